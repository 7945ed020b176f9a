// Scripted traps for membership bugs (dissertation ch. 4): each sets up, at precise moments, the
// situation one broken rule turns into a violation, and is harmless to the unmodified core. The
// seed varies timings (election timeouts, delays). The planted bugs in sim/bugs hunt with them,
// sim/scenarios/membership.test.ts runs them against core and against each bug, and
// integration/tla-membership.test.ts hands their traces (the optional sink) to TLC.

import type { NodeId } from '../../protocol/types';
import type { PlantedBug } from '../bugs/types';
import type { TraceSink } from '../../trace/sink';
import { scenario, type ScenarioResult } from './scenario';

const isAppend = (m: { type: string }): boolean => m.type === 'AppendEntriesRequest' || m.type === 'InstallSnapshotRequest';

/**
 * The 2015 single-server bug. Four voters; L1 leads. Cut off with the outside node n5, L1 adds n5
 * (C1, five voters, uncommitted). The other three elect L2, whose appends reach only one of them
 * (C); the third (D) voted for L2 but hears nothing more. L2 at once removes D (C2 = three
 * voters): C2's majority {L2, C} and C1's {L1, n5, D} share nobody. Without the rule, C2 and a
 * write commit on {L2, C}; then L1, with n5 and D, wins a later term without them. With the rule,
 * L2 may not propose before its no-op commits, which needs D: nothing of term 2 commits.
 */
export function singleServer2015Trap(seed: number, bug: PlantedBug | null, trace?: TraceSink): ScenarioResult {
  let l1 = '';
  let l2 = '';
  let d = '';
  let hold = -1;
  const others = (): NodeId[] => ['n1', 'n2', 'n3', 'n4'].filter((id) => id !== l1);
  return scenario({ nodes: 5, seed, durationMs: 3_000, config: { initialVoters: 4 }, ...(bug ? { bug } : {}), ...(trace ? { trace } : {}) })
    .at(600)
    .do((ctx) => {
      l1 = ctx.leader();
      // Until L2 is known, appends to the other three are held: its no-op commits nowhere.
      hold = ctx.sim.network.addFilter((m) => (isAppend(m) && others().includes(m.to) ? 'hold' : 'pass'));
    })
    .partitionOff([() => l1, 'n5'])
    .addVoter('n5', 'C1')
    .when(
      (ctx) => others().some((id) => ctx.view(id).role === 'Leader'),
      (ctx) => {
        l2 = others().find((id) => ctx.view(id).role === 'Leader') as NodeId;
        const [c, third] = others().filter((id) => id !== l2);
        d = third;
        // From now on only C hears from L2; D (which voted for it) hears nothing more.
        ctx.sim.network.removeFilter(hold);
        hold = ctx.sim.network.addFilter((m) => (isAppend(m) && m.to === d ? 'hold' : 'pass'));
        for (const m of ctx.sim.network.releaseHeld((x) => x.to === c)) ctx.sim.stepNode(ctx.node(c), { type: 'Receive', message: m });
        ctx.tracker.propose(ctx.sim, l2, [{ kind: 'put', key: 'k', value: 'term-2' }], 'x');
        ctx.sim.stepNode(ctx.node(l2), { type: 'ProposeConfChange', requestId: 'C2', changes: [{ kind: 'RemoveNode', node: d }] });
      },
      { withinMs: 1_200 },
    )
    .at(1_900)
    .do((ctx) => {
      // L1, n5 and D, whose logs end with C1 or before any term-2 entry, against L2 and C.
      ctx.sim.network.removeFilter(hold);
      ctx.sim.network.releaseHeld(() => true);
      const c = others().find((id) => id !== l2 && id !== d) as NodeId;
      ctx.sim.applyFault({ atMs: ctx.nowMs, kind: 'partition', shape: 'symmetric', a: [l1, 'n5', d], b: [l2, c] });
    })
    .run();
}

/** Two single-server changes proposed back to back: the second must wait for the first to commit. */
export function overlappingChangesTrap(seed: number, bug: PlantedBug | null, trace?: TraceSink): ScenarioResult {
  return scenario({ nodes: 5, seed, durationMs: 1_500, config: { initialVoters: 3 }, ...(bug ? { bug } : {}), ...(trace ? { trace } : {}) })
    .at(600)
    .addVoter('n4', 'first')
    .addVoter('n5', 'second')
    .run();
}

/**
 * Every voter replaced at once ({n1,n2,n3} -> {n4,n5,n6}) through a joint configuration. The entry
 * that leaves it (LeaveJoint) reaches only the new voters, which commit it; the two old voters that
 * did not lead never get it and are then cut off together. They are still joint: correct, they
 * need a majority of the new voters too, whose longer logs refuse them. Counting the old
 * configuration only, they elect one of themselves without the committed LeaveJoint.
 */
export function jointOldOnlyTrap(seed: number, bug: PlantedBug | null, trace?: TraceSink): ScenarioResult {
  let old: NodeId[] = [];
  const isLeaveJoint = (e: { type: string; data: string }): boolean => e.type === 'Config' && (JSON.parse(e.data) as { votersOutgoing?: unknown }).votersOutgoing === undefined;
  return scenario({ nodes: 6, seed, durationMs: 3_000, config: { initialVoters: 3 }, ...(bug ? { bug } : {}), ...(trace ? { trace } : {}) })
    .at(600)
    .do((ctx) => {
      const leader = ctx.leader();
      old = ['n1', 'n2', 'n3'].filter((id) => id !== leader);
      ctx.sim.network.addFilter((m) => (m.type === 'AppendEntriesRequest' && old.includes(m.to) && m.entries.some(isLeaveJoint) ? 'drop' : 'pass'));
    })
    .confChange([
      { kind: 'AddVoter', node: 'n4' }, { kind: 'AddVoter', node: 'n5' }, { kind: 'AddVoter', node: 'n6' },
      { kind: 'RemoveNode', node: 'n1' }, { kind: 'RemoveNode', node: 'n2' }, { kind: 'RemoveNode', node: 'n3' },
    ], { label: 'replace-all' })
    .at(1_000)
    .partitionOff([() => old[0], () => old[1]])
    .run();
}

/**
 * Two followers are removed, one at a time; then a remaining follower A is cut off together with
 * them while the leader commits more. Correct: A cannot win without the leader or the other
 * follower. Counting the removed nodes' votes, A wins a later term without those commits.
 */
export function removedVotesTrap(seed: number, bug: PlantedBug | null, trace?: TraceSink): ScenarioResult {
  let leader = '';
  let rest: NodeId[] = [];
  return scenario({ nodes: 5, seed, durationMs: 3_000, ...(bug ? { bug } : {}), ...(trace ? { trace } : {}) })
    .at(600)
    .do((ctx) => {
      leader = ctx.leader();
      rest = ctx.sim.nodeIds.filter((id) => id !== leader);
    })
    .removeNode(() => rest[3], 'remove-first')
    .at(800)
    .removeNode(() => rest[2], 'remove-second')
    .at(1_000)
    .partition([() => rest[0], () => rest[2], () => rest[3]], [() => leader, () => rest[1]])
    .at(1_100)
    .propose(() => leader, { kind: 'put', key: 'k', value: 'after-partition' }, 'x')
    .run();
}
