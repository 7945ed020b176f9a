import { main } from './main';
import { checkOptions } from './tla';
import { CapturingIo } from './test-support/capturing-io';
import { EXIT_OK, EXIT_TOOL_FAILED, EXIT_TOOL_MISSING, EXIT_USAGE } from './exit-codes';
import { TlcJarNotFoundError } from '../tla/tlc';

async function tla(argv: string[], deps = {}): Promise<{ code: number; out: string; err: string }> {
  const io = new CapturingIo();
  const code = await main(['tla', ...argv], io, deps);
  return { code, out: io.stdout, err: io.stderr };
}

describe('raftbed tla', () => {
  it('prints help for check --help without running TLC', async () => {
    const r = await tla(['check', '--help'], { findJar: () => { throw new Error('TLC must not be looked for'); } });
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain('--mutants-only');
  });

  it.each([
    [['check', '--fast'], "unknown option '--fast'"],
    [['check', '-x'], "unknown option '-x'"],
    [['check', '--workers', 'two'], "option '--workers <N>' argument 'two' is invalid. It must be an integer."],
    [['check', '--workers', '0'], "option '--workers <N>' argument '0' is invalid. It must be at least 1."],
    [['check', '--workers'], "option '--workers <N>' argument missing"],
    [['check', '--timeout-seconds', '--json'], "option '--timeout-seconds <S>' argument '--json' is invalid. It must be an integer."],
    [['check', '--small', '--small'], "option '--small' given twice"],
    [['check', '--model-only', '--mutants-only'], "option '--model-only' cannot be used with option '--mutants-only'"],
    [['check', '--extensions-only', '--model-only'], "option '--model-only' cannot be used with option '--extensions-only'"],
  ])('check %j is a usage error (exit 2) naming the flag: %s', async (argv, message) => {
    const r = await tla(argv);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.out).toBe('');
    expect(r.err.split('\n')[0]).toBe(`raftbed tla check: ${message}`);
  });

  it('check with the TLC jar missing exits 4, before running anything', async () => {
    const r = await tla(['check', '--small'], { findJar: () => { throw new TlcJarNotFoundError([]); } });
    expect(r.code).toBe(EXIT_TOOL_MISSING);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^raftbed tla check: TLC jar not found: run tla\/install-tlc\.sh/);
  });

  it('an unexpected error is an internal error: exit 5, its stack on stderr, nothing thrown out of main', async () => {
    const r = await tla(['check'], { findJar: () => { throw new TypeError('boom'); } });
    expect(r.code).toBe(EXIT_TOOL_FAILED);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^raftbed tla check: internal error: TypeError: boom\n {4}at /);
  });

  it('prints check help for -h too, listing every option', async () => {
    const r = await tla(['check', '-h']);
    expect(r.code).toBe(EXIT_OK);
    for (const flag of ['--small', '--model-only', '--mutants-only', '--extensions-only', '--workers <N>', '--timeout-seconds <S>', '--json', '-h, --help', '-V, --version']) {
      expect(r.out).toContain(flag);
    }
  });

  it('rejects unknown commands with exit 2, and no command shows the help (exit 2)', async () => {
    const unknown = await tla(['frobnicate']);
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.err).toContain("raftbed tla: unknown command 'frobnicate'");
    const none = await tla([]);
    expect(none.code).toBe(EXIT_USAGE);
    expect(none.err).toContain('Usage: raftbed tla');
  });

  it('lists replay-spec in the help and prints its own help without running TLC', async () => {
    const top = await tla(['--help']);
    expect(top.code).toBe(EXIT_OK);
    expect(top.out).toMatch(/replay-spec( \[options\])? +TLC generates random spec behaviours/);
    const help = await tla(['replay-spec', '--help']);
    expect(help.code).toBe(EXIT_OK);
    expect(help.out).toContain('--count <N>');
    expect(help.out).toContain('--pre-vote <MODE>');
  });

  it.each([
    [[], "required option '--count <N>' not specified"],
    [['--count'], "option '--count <N>' argument missing"],
    [['--count', '0'], "option '--count <N>' argument '0' is invalid. It must be at least 1."],
    [['--count', 'many'], "option '--count <N>' argument 'many' is invalid. It must be an integer."],
    [['--count', '3', '--depth', '1'], "option '--depth <D>' argument '1' is invalid. It must be at least 2."],
    [['--count', '3', '--seed', '-4'], "option '--seed <S>' argument '-4' is invalid. It must be at least 0."],
    [['--count', '3', '--pre-vote', 'maybe'], "option '--pre-vote <MODE>' argument 'maybe' is invalid. Allowed choices are on, off, both."],
    [['--count', '3', '--pre-vote'], "option '--pre-vote <MODE>' argument missing"],
    [['--count', '3', '--count', '4'], "option '--count <N>' given twice"],
    [['--count', '3', '--fast'], "unknown option '--fast'"],
  ])('replay-spec %j is a usage error (exit 2): %s', async (args, message) => {
    const r = await tla(['replay-spec', ...args]);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err.split('\n')[0]).toBe(`raftbed tla replay-spec: ${message}`);
  });
});

describe('checkOptions', () => {
  it('defaults to two workers, everything, no timeout', () => {
    expect(checkOptions({})).toEqual({ small: false, json: false, workers: 2 });
  });

  it('maps the flags it documents', () => {
    expect(checkOptions({ small: true, json: true, workers: 1, 'timeout-seconds': 30, 'model-only': true })).toEqual({
      small: true,
      json: true,
      workers: 1,
      timeoutMs: 30_000,
      only: 'model',
    });
    expect(checkOptions({ 'extensions-only': true }).only).toBe('extensions');
  });
});
