// An exception escaping the simulator or core is the run's failure, reported like any violation
// (UncaughtException, with the error's name, message and first stack frames, at the event where
// it was thrown), never a crash of whoever ran it. A scripted scenario's own exception is still
// its caller's: a failed expectation must fail the test that wrote it.

import { Simulation } from './simulation';
import { makeSimConfig } from '../config';
import { runSeed } from '../run-seed';
import { MemoryTrace } from '../../trace/sink';
import { refusedDiskWrite } from '../test-support/liveness-bugs';

const config = makeSimConfig({ seed: 4, nodes: 3, durationMs: 2_000, faults: 'none' });
const refused = refusedDiskWrite(() => true, 10);

describe('UncaughtException', () => {
  it('a write the simulated disk refuses fails the run at that event, with the error and where it was thrown', () => {
    const trace = new MemoryTrace(true);
    const result = new Simulation(config, { bug: refused, trace }).run();
    const v = result.violation!;
    expect(v).toMatchObject({ property: 'UncaughtException', node: null });
    expect(v.detail).toMatch(/^DiskWriteError: persist record seq=\d+: seqNotIncreasing: seq must exceed the last written seq \d+$/);
    expect(v.frames!.length).toBeGreaterThanOrEqual(3);
    expect(v.frames![0]).toMatch(/^at SimDisk\.write \(.*sim\/storage\/disk\.ts:\d+:\d+\)$/);
    // The trace ends with the violation, at the event index reported; the stack stays out of it
    // (a trace must replay byte for byte on any machine).
    const lines = trace.text.map((l) => JSON.parse(l));
    expect(v.eventIndex).toBe(lines.length - 1);
    expect(lines.at(-1)).toMatchObject({ ev: 'Violation', property: 'UncaughtException', detail: v.detail });
    expect(trace.text.at(-1)).not.toContain('disk.ts');
    // The run stopped there: nothing after the refused write.
    expect(result.simulatedMs).toBeLessThan(config.durationMs);
  });

  it('is deterministic: the same seed fails at the same event, traced or not', () => {
    const untraced = runSeed(config, { bug: refused });
    const traced = runSeed(config, { bug: refused, trace: new MemoryTrace(true) });
    expect(untraced.violation).toMatchObject({ property: 'UncaughtException', eventIndex: -1, atMs: traced.violation!.atMs, detail: traced.violation!.detail });
  });

  it('an exception while judging the history is the seed\'s failure too', () => {
    const outcome = runSeed(makeSimConfig({ seed: 4, nodes: 3, durationMs: 1_000, faults: 'none' }), { maxSearchSteps: -1 });
    expect(outcome.violation).toMatchObject({ property: 'UncaughtException', detail: expect.stringMatching(/^CheckOptionsError: /) });
    expect(outcome.linearizability).toBeNull();
  });

  it('without the refused write the same run passes', () => {
    expect(runSeed(config).violation).toBeNull();
  });

  it("a scripted action's own exception still reaches the caller", () => {
    const sim = new Simulation(config);
    sim.at(500, () => {
      throw new RangeError('expectation failed in a script');
    });
    expect(() => sim.run()).toThrow(RangeError);
  });
});
