// A membership change `atNextLeader` waits for the next leader and reaches it as it takes office,
// before it can have committed an entry of its term: the window the 2015 rule guards, which
// changes at random times all but never hit (2 of 228 in 20 seeds, none appended).

import { Simulation } from '../cluster/simulation';
import { makeSimConfig } from '../config';
import { CALM_NETWORK } from '../network/params';
import { MemoryTrace } from '../../trace/sink';
import { finalizePlan } from './finalize';
import { FaultPlanError, parseFaultPlan } from './parse';
import type { TimedFault } from './types';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];

interface Line { ev?: string; t?: number; node?: string; input?: string; actions?: string[]; fault?: { deferred?: boolean }; state?: { term: number; role: string; commit: number; lastIndex: number } }

function runEpisode(schedule: TimedFault[]): Line[] {
  const trace = new MemoryTrace(true);
  const plan = finalizePlan(NODES, CALM_NETWORK, schedule, 3_000);
  new Simulation(makeSimConfig({ seed: 2, nodes: 5, faults: 'none', durationMs: 4_000, checkLinearizability: false, faultPlan: plan }), { trace }).run();
  return trace.text.map((l) => JSON.parse(l) as Line);
}

describe('membership changes at the next leader', () => {
  it('reach the new leader in the instant it takes office, where core refuses them (no commit of its term yet)', () => {
    const lines = runEpisode([
      { atMs: 1_000, kind: 'isolateLeader' },
      { atMs: 1_002, kind: 'membership', op: 'removeNode', atNextLeader: true },
      { atMs: 2_000, kind: 'heal' },
    ]);
    const deferredAt = lines.findIndex((l) => l.ev === 'Fault' && l.fault?.deferred === true);
    expect(deferredAt).toBeGreaterThan(0);
    const proposal = lines.slice(deferredAt).find((l) => l.ev === 'Step' && l.input === 'ProposeConfChange');
    expect(proposal).toBeDefined();
    // The node it reached became leader in that same instant, in a later term than the isolated one.
    const elected = lines.slice(deferredAt).find((l) => l.ev === 'Step' && l.node === proposal!.node && l.state?.role === 'Leader');
    expect(elected?.t).toBe(proposal!.t);
    expect(proposal!.state!.role).toBe('Leader');
    // Nothing of its term is committed yet, so the unmodified core refuses the change.
    expect(proposal!.actions).toEqual([]);
  });

  it('are read from a plan, and a bad value is refused naming the field', () => {
    const plan = (extra: object) => ({ network: CALM_NETWORK, quietAfterMs: 10, schedule: [{ atMs: 1, kind: 'membership', op: 'promote', ...extra }] });
    expect(parseFaultPlan(plan({ atNextLeader: true })).schedule[0]).toEqual({ atMs: 1, kind: 'membership', op: 'promote', atNextLeader: true });
    expect(parseFaultPlan(plan({})).schedule[0]).toEqual({ atMs: 1, kind: 'membership', op: 'promote' });
    expect(() => parseFaultPlan(plan({ atNextLeader: 'yes' }))).toThrow(FaultPlanError);
    expect(() => parseFaultPlan(plan({ atNextLeader: 'yes' }))).toThrow(/atNextLeader/);
  });
});
