// `raftbed demo` and `raftbed bench browser` refuse bad flags (exit 2, the flag named, usage
// shown) and print help (exit 0) before they build anything or launch Chromium.

import { runBrowserBenchCli } from './bench-browser';
import { runDemoCli } from './demo';

async function run(cli: (argv: readonly string[], out: (line: string) => void) => Promise<number>, argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await cli(argv, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

describe('raftbed bench browser flags', () => {
  it.each([
    [['--rate', 'fast'], '--rate must be a number, got "fast"'],
    [['--duration', '0.1'], '--duration must be at least 0.5, got 0.1'],
    [['--window', '2.5'], '--window must be an integer, got "2.5"'],
    [['--tick', '30', '--tick', '40'], '--tick given twice'],
    [['--turbo'], 'unknown flag --turbo (see --help)'],
  ])('%j is refused with exit 2: %s', async (argv, message) => {
    const r = await run(runBrowserBenchCli, argv);
    expect(r.code).toBe(2);
    expect(r.out.split('\n')[0]).toBe(message);
    expect(r.out).toContain('Usage: raftbed bench browser');
  });

  it('-h prints every flag with its default and exits 0', async () => {
    const r = await run(runBrowserBenchCli, ['-h']);
    expect(r.code).toBe(0);
    for (const flag of ['--rate N', '--window N', '--duration S', '--warmup S', '--tick MS', '--snapshot-every N', '--json']) expect(r.out).toContain(flag);
  });
});

describe('raftbed demo flags', () => {
  it.each([
    [['--nodes', '4'], '--nodes must be one of 3, 5, got "4"'],
    [['--port', '70000'], '--port must be at most 65535, got 70000'],
    [['--host'], '--host needs a value'],
  ])('%j is refused with exit 2: %s', async (argv, message) => {
    const r = await run(runDemoCli, argv);
    expect(r.code).toBe(2);
    expect(r.out.split('\n')[0]).toBe(message);
    expect(r.out).toContain('Usage: raftbed demo');
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await run(runDemoCli, ['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--nodes 3|5');
  });
});
