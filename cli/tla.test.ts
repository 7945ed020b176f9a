import { EXIT_OK, EXIT_USAGE, parseCheckFlags, runTlaCli } from './tla';

function capture(): { io: { out: (l: string) => void; err: (l: string) => void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l) }, out, err };
}

describe('runTlaCli', () => {
  it('prints help for check --help without running TLC', async () => {
    const { io, out } = capture();
    expect(await runTlaCli(['check', '--help'], io)).toBe(EXIT_OK);
    expect(out.join('\n')).toContain('--mutants-only');
  });

  it.each([
    [['check', '--fast'], 'unknown flag --fast (see --help)'],
    [['check', '-x'], 'unknown flag -x (see --help)'],
    [['check', '--workers', 'two'], '--workers must be an integer, got "two"'],
    [['check', '--workers', '0'], '--workers must be at least 1, got 0'],
    [['check', '--workers'], '--workers needs a value'],
    [['check', '--timeout-seconds', '--json'], '--timeout-seconds needs a value'],
    [['check', '--small', '--small'], '--small given twice'],
  ])('check %j is a usage error (exit 2) naming the flag: %s', async (argv, message) => {
    const { io, err } = capture();
    expect(await runTlaCli(argv, io)).toBe(EXIT_USAGE);
    expect(err.join('\n')).toBe(`raftbed tla check: ${message}`);
  });

  it('prints check help for -h too, listing every option', async () => {
    const { io, out } = capture();
    expect(await runTlaCli(['check', '-h'], io)).toBe(EXIT_OK);
    for (const flag of ['--small', '--model-only', '--mutants-only', '--extensions-only', '--workers N', '--timeout-seconds S', '--json', '-h, --help']) {
      expect(out.join('\n')).toContain(flag);
    }
  });

  it('rejects unknown commands with exit 2', async () => {
    const unknown = capture();
    expect(await runTlaCli(['frobnicate'], unknown.io)).toBe(EXIT_USAGE);
    expect(unknown.err.join('\n')).toContain('unknown command "frobnicate"');
  });

  it('lists replay-spec in the help and prints its own help without running TLC', async () => {
    const top = capture();
    expect(await runTlaCli(['--help'], top.io)).toBe(EXIT_OK);
    expect(top.out.join('\n')).toMatch(/replay-spec +TLC generates random spec behaviours/);
    const help = capture();
    expect(await runTlaCli(['replay-spec', '--help'], help.io)).toBe(EXIT_OK);
    expect(help.out.join('\n')).toContain('--count N');
    expect(help.out.join('\n')).toContain('--pre-vote MODE');
  });

  it.each([
    [[], '--count N is required (see --help)'],
    [['--count'], '--count needs a value'],
    [['--count', '0'], '--count must be at least 1, got 0'],
    [['--count', 'many'], '--count must be an integer, got "many"'],
    [['--count', '3', '--depth', '1'], '--depth must be at least 2, got 1'],
    [['--count', '3', '--seed', '-4'], '--seed must be at least 0, got -4'],
    [['--count', '3', '--pre-vote', 'maybe'], '--pre-vote must be one of on, off, both, got "maybe"'],
    [['--count', '3', '--pre-vote'], '--pre-vote needs a value'],
    [['--count', '3', '--count', '4'], '--count given twice'],
    [['--count', '3', '--fast'], 'unknown flag --fast (see --help)'],
  ])('replay-spec %j is a usage error (exit 2): %s', async (args, message) => {
    const { io, err } = capture();
    expect(await runTlaCli(['replay-spec', ...args], io)).toBe(EXIT_USAGE);
    expect(err.join('\n')).toBe(`raftbed tla replay-spec: ${message}`);
  });

});

describe('parseCheckFlags', () => {
  it('defaults to two workers, everything, no timeout', () => {
    expect(parseCheckFlags([])).toEqual({ small: false, json: false, help: false, workers: 2 });
  });


  it('parses the options it documents', () => {
    expect(parseCheckFlags(['--small', '--json', '--workers', '1', '--timeout-seconds', '30', '--model-only'])).toEqual({
      small: true,
      json: true,
      help: false,
      workers: 1,
      timeoutMs: 30_000,
      only: 'model',
    });
  });

  it('refuses two different --*-only flags', () => {
    expect(() => parseCheckFlags(['--model-only', '--mutants-only'])).toThrow('--mutants-only conflicts with --model-only');
    expect(() => parseCheckFlags(['--extensions-only', '--model-only'])).toThrow('--extensions-only conflicts with --model-only');
  });
});
