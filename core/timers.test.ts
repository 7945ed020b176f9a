// A batched Tick ({ type: 'Tick', count }) must equal that many single Ticks, state and output,
// for every count up to ticksUntilNextTimer, on states that real runs reach; beyond it core refuses.

import fc from 'fast-check';
import { TestCluster, deepFreeze } from './testing/cluster';
import { step } from './step';
import { ticksUntilNextTimer } from './timers';
import type { RaftState } from './state';
import type { Output, RaftConfig } from './types';

/** States of every node along a random run: ticks, deliveries, proposals, isolation, transfers, crashes. */
function statesOfRun(seed: number, config: Partial<RaftConfig>, size: number): RaftState[] {
  const cluster = new TestCluster({ size, config, seed });
  const rng = fc.sample(fc.array(fc.nat(999), { minLength: 600, maxLength: 600 }), { seed, numRuns: 1 })[0];
  const states: RaftState[] = [];
  rng.forEach((r, k) => {
    const id = cluster.ids[r % size];
    const up = cluster.node(id).up;
    if (r < 600) cluster.tick(id);
    else if (r < 800) cluster.deliverAll(1 + (r % 7));
    else if (r < 870 && up && cluster.state(id).role === 'Leader') cluster.propose(id, `v${k}`);
    else if (r < 900) cluster.isolate(id);
    else if (r < 930) cluster.healAll();
    else if (r < 950 && up && cluster.state(id).role === 'Leader') cluster.input(id, { type: 'TransferLeadership', to: cluster.ids[(r + 1) % size] });
    else if (r < 965 && up) cluster.crash(id);
    else if (r < 990 && !up) cluster.restart(id);
    for (const other of cluster.ids) if (cluster.node(other).up) states.push(cluster.state(other));
  });
  return states;
}

const CONFIGS: readonly (readonly [string, Partial<RaftConfig>, number])[] = [
  ['defaults (heartbeat every tick, PreVote, CheckQuorum)', {}, 3],
  ['heartbeat every 3 ticks, no CheckQuorum, no PreVote', { heartbeatIntervalTicks: 3, checkQuorum: false, preVote: false }, 3],
  ['heartbeat every 4 ticks, election timeout 12, five nodes', { heartbeatIntervalTicks: 4, electionTimeoutTicks: 12 }, 5],
];

const EMPTY = { messages: [], persist: null, apply: [], reads: [], errors: [] };
function quiet(o: Output): boolean {
  return o.messages.length === 0 && o.persist === null && o.apply.length === 0 && o.reads.length === 0 && o.errors.length === 0 && (o.actions ?? []).length === 0;
}

/** The reference: `count` single Ticks, each but the last required to output nothing. */
function singleTicks(s: RaftState, count: number): { state: RaftState; output: Output } {
  let r = { state: s, output: step(s, { type: 'Tick' }).output };
  let state = s;
  for (let k = 1; k <= count; k++) {
    r = step(state, { type: 'Tick' });
    if (k < count && !quiet(r.output)) throw new Error(`tick ${k} of ${count} did more than count: ${JSON.stringify(r.output)}`);
    state = r.state;
  }
  return r;
}

function sameAsSingleTicks(s: RaftState, count: number): void {
  const batched = step(s, { type: 'Tick', count });
  const reference = singleTicks(s, count);
  expect(batched.state).toEqual(reference.state);
  expect(batched.output).toEqual(reference.output);
}

describe('ticksUntilNextTimer and batched Ticks', () => {
  describe.each(CONFIGS)('%s', (_name, config, size) => {
    const states = [1, 2, 3].flatMap((seed) => statesOfRun(seed, config, size));

    it('runs reach leaders, followers and candidates, with long idle horizons', () => {
      const roles = new Set(states.map((s) => s.role));
      expect(roles).toEqual(expect.objectContaining(new Set(['Leader', 'Follower'])));
      expect(roles.has('Candidate') || roles.has('PreCandidate')).toBe(true);
      expect(Math.max(...states.map(ticksUntilNextTimer))).toBeGreaterThanOrEqual(5);
      if ((config.heartbeatIntervalTicks ?? 1) > 1) expect(states.some((s) => s.role === 'Leader' && ticksUntilNextTimer(s) > 1)).toBe(true);
    });

    it('one Tick of count N equals N single Ticks for every N up to the horizon (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: states.length - 1 }), fc.nat(), (i, pick) => {
          const s = deepFreeze(states[i]);
          const horizon = ticksUntilNextTimer(s);
          expect(horizon).toBeGreaterThanOrEqual(1);
          sameAsSingleTicks(s, 1 + (pick % horizon));
          sameAsSingleTicks(s, horizon);
        }),
        { seed: 14, numRuns: 400 },
      );
    });

    it('the horizon is tight: on some states its last tick fires (a query one tick longer would batch a firing tick)', () => {
      // Per role class: a query one tick short for followers only must fail here too.
      const fires = (s: RaftState) => !quiet(step(s, { type: 'Tick', count: ticksUntilNextTimer(s) }).output);
      expect(states.some((s) => s.role === 'Leader' && fires(s))).toBe(true);
      expect(states.some((s) => s.role !== 'Leader' && ticksUntilNextTimer(s) > 1 && fires(s))).toBe(true);
      if ((config.heartbeatIntervalTicks ?? 1) > 1) expect(states.some((s) => s.role === 'Leader' && ticksUntilNextTimer(s) > 1 && fires(s))).toBe(true);
    });
  });

  it('refuses a count past the horizon, and a count that is not a positive integer, changing nothing', () => {
    const states = statesOfRun(4, {}, 3);
    for (const s of states.slice(0, 200)) {
      const frozen = deepFreeze(s);
      for (const count of [ticksUntilNextTimer(s) + 1, 0, -1, 1.5, Number.NaN, '2' as unknown as number]) {
        const r = step(frozen, { type: 'Tick', count });
        expect(r.state).toEqual(s);
        expect(r.output).toEqual(expect.objectContaining({ ...EMPTY, errors: [expect.objectContaining({ type: 'InvalidInput' })] }));
      }
    }
  });
});
