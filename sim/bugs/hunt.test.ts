import { Simulation } from '../cluster/simulation';
import { MemoryTrace } from '../../trace/sink';
import { HuntOptionsError, huntBug } from './hunt';
import { prevoteBumpsTerm } from './prevote-bumps-term';
import { bugSimConfig } from './run';
import type { PlantedBug } from './types';

/** A clock that advances by `stepMs` every time it is read. */
function fakeClock(stepMs: number): () => number {
  let t = 0;
  return () => (t += stepMs);
}

/** Wraps core's step and changes nothing: a control that must never be caught. */
const harmless: PlantedBug = {
  name: 'harmless', description: 'core unchanged, behind a wrapper', caughtBy: ['ElectionSafety'],
  config: { faults: 'none', durationMs: 300 }, step: (core) => core,
};

describe('huntBug', () => {
  it('stops at the first seed with a violation and reports it', () => {
    const r = huntBug(prevoteBumpsTerm, { fromSeed: 1, maxSeeds: 5, now: fakeClock(10) });
    expect(r).toMatchObject({ bug: 'prevote-bumps-term', caught: true, seed: 1, property: 'PreVoteKeepsTerm', seedsTried: 1 });
    expect(r.wallMs).toBe(10);
  });

  it('numbers the violation by the line a real trace of the same seed has', () => {
    const r = huntBug(prevoteBumpsTerm, { fromSeed: 2, maxSeeds: 1, now: fakeClock(1) });
    const trace = new MemoryTrace(false);
    const replay = new Simulation(bugSimConfig(prevoteBumpsTerm, 2), { bug: prevoteBumpsTerm, trace }).run();
    expect(replay.violation?.property).toBe(r.property);
    expect(r.eventIndex).toBe(replay.violation?.eventIndex);
    expect(r.eventIndex).toBeGreaterThan(0);
  });

  it('gives up after maxSeeds when nothing is caught', () => {
    const r = huntBug(harmless, { fromSeed: 7, maxSeeds: 3, now: fakeClock(5) });
    expect(r).toEqual({ bug: 'harmless', caught: false, seedsTried: 3, wallMs: 5, controlFlagged: [], undeclared: [] });
  });

  it('starts no new seed once the wall budget is spent (but always tries one)', () => {
    const r = huntBug(harmless, { fromSeed: 1, maxSeeds: 100, wallBudgetMs: 25, now: fakeClock(10) });
    // Clock reads: start 10; before seed 2 at 20 and seed 3 at 30 (elapsed 10, 20 < 25); before seed 4 at 40 (30 >= 25); end 50.
    expect(r.seedsTried).toBe(3);
    expect(r.wallMs).toBe(40);
    expect(r.caught).toBe(false);
  });

  it('with declaredOnly, passes over violations of properties the bug does not declare', () => {
    const mislabelled: PlantedBug = { ...prevoteBumpsTerm, name: 'mislabelled', caughtBy: ['ElectionSafety'] };
    const r = huntBug(mislabelled, { fromSeed: 1, maxSeeds: 2, now: fakeClock(1), declaredOnly: true });
    expect(r.caught).toBe(false);
    expect(r.undeclared).toEqual([{ seed: 1, property: 'PreVoteKeepsTerm' }, { seed: 2, property: 'PreVoteKeepsTerm' }]);
    expect(huntBug(mislabelled, { fromSeed: 1, maxSeeds: 2, now: fakeClock(1) }).property).toBe('PreVoteKeepsTerm');
  });

  it('rejects bad options with a typed error', () => {
    const now = fakeClock(1);
    expect(() => huntBug(harmless, { fromSeed: -1, maxSeeds: 1, now })).toThrow(HuntOptionsError);
    expect(() => huntBug(harmless, { fromSeed: 0, maxSeeds: 0, now })).toThrow(HuntOptionsError);
    expect(() => huntBug(harmless, { fromSeed: 0, maxSeeds: 1.5, now })).toThrow(HuntOptionsError);
    expect(() => huntBug(harmless, { fromSeed: 0, maxSeeds: 1, wallBudgetMs: 0, now })).toThrow(HuntOptionsError);
    expect(() => huntBug(harmless, { fromSeed: 0, maxSeeds: 1, now: undefined as unknown as () => number })).toThrow(HuntOptionsError);
  });
});
