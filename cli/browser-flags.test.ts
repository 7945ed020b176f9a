// `raftbed demo` and `raftbed bench browser` refuse bad flags (exit 2, the flag named on stderr)
// and print help (exit 0) before they build anything or launch Chromium.

import { main } from './main';
import { CapturingIo } from './test-support/capturing-io';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = new CapturingIo();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('raftbed bench browser flags', () => {
  it.each([
    [['--rate', 'fast'], "option '--rate <N>' argument 'fast' is invalid. It must be a number."],
    [['--duration', '0.1'], "option '--duration <S>' argument '0.1' is invalid. It must be at least 0.5."],
    [['--window', '2.5'], "option '--window <N>' argument '2.5' is invalid. It must be an integer."],
    [['--tick', '30', '--tick', '40'], "option '--tick <MS>' given twice"],
    [['--turbo'], "unknown option '--turbo'"],
  ])('%j is refused with exit 2: %s', async (argv, message) => {
    const r = await run(['bench', 'browser', ...argv]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toEqual([`raftbed bench browser: ${message}`, "(see 'raftbed bench browser --help')"]);
  });

  it('-h prints every flag with its default and exits 0', async () => {
    const r = await run(['bench', 'browser', '-h']);
    expect(r.code).toBe(0);
    for (const flag of ['--rate <N>', '--window <N>', '--duration <S>', '--warmup <S>', '--tick <MS>', '--snapshot-every <N>', '--json']) expect(r.out).toContain(flag);
  });

  it('bench\'s own flags are read before `browser`, and checked as bench\'s', async () => {
    const r = await run(['bench', '--seconds', '0', 'browser']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("raftbed bench: option '--seconds <N>' argument '0' is invalid");
  });
});

describe('raftbed demo flags', () => {
  it.each([
    [['--nodes', '6'], "option '--nodes <3|4|5>' argument '6' is invalid. Allowed choices are 3, 4, 5."],
    [['--port', '70000'], "option '--port <N>' argument '70000' is invalid. It must be at most 65535."],
    [['--host'], "option '--host <HOST>' argument missing"],
  ])('%j is refused with exit 2: %s', async (argv, message) => {
    const r = await run(['demo', ...argv]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')[0]).toBe(`raftbed demo: ${message}`);
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await run(['demo', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--nodes <3|4|5>');
    expect(r.out).toContain('--json');
  });
});
