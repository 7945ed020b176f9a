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

  it('rejects unknown commands and reports replay-spec as not implemented', async () => {
    const unknown = capture();
    expect(await runTlaCli(['frobnicate'], unknown.io)).toBe(EXIT_USAGE);
    expect(unknown.err.join('\n')).toContain('unknown command "frobnicate"');
    const placeholder = capture();
    expect(await runTlaCli(['replay-spec'], placeholder.io)).toBe(EXIT_USAGE);
    expect(placeholder.err.join('\n')).toContain('not implemented yet');
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
