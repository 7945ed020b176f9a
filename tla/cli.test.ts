import { EXIT_OK, EXIT_USAGE, parseCheckFlags, runTlaCli } from './cli';

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

  it('rejects unknown flags and bad numbers with exit 2 and a clear message', async () => {
    for (const argv of [['check', '--fast'], ['check', '--workers', 'two'], ['check', '--workers']]) {
      const { io, err } = capture();
      expect(await runTlaCli(argv, io)).toBe(EXIT_USAGE);
      expect(err.join('\n')).toMatch(/raftbed tla check: .*(unknown option|positive integer)/);
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
    [[], '--count N is required'],
    [['--count'], '--count needs an integer of at least 1, got nothing'],
    [['--count', '0'], '--count needs an integer of at least 1, got "0"'],
    [['--count', '3', '--depth', '1'], '--depth needs an integer of at least 2, got "1"'],
    [['--count', '3', '--seed', '-4'], '--seed needs an integer of at least 0, got "-4"'],
    [['--count', '3', '--pre-vote', 'maybe'], '--pre-vote needs on, off or both, got "maybe"'],
    [['--count', '3', '--count', '4'], '--count given twice'],
    [['--count', '3', '--fast'], 'unknown option "--fast"'],
  ])('replay-spec %j is a usage error (exit 2): %s', async (args, message) => {
    const { io, err } = capture();
    expect(await runTlaCli(['replay-spec', ...args], io)).toBe(EXIT_USAGE);
    expect(err.join('\n')).toBe(`raftbed tla replay-spec: ${message} (see --help)`);
  });

});

describe('parseCheckFlags', () => {
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
    expect(() => parseCheckFlags(['--model-only', '--mutants-only'])).toThrow(/conflicts/);
  });
});
