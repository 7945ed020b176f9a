// TLA+ trace validation of simulator runs that change the configuration (issue 12, item 4): a
// `membership`-profile run whose trace removes its leader (StepDownRemoved), adds a learner and
// promotes it, and goes through a joint configuration must validate whole; and three planted
// membership bugs, run through scripted scenarios, must be rejected at the step where the bug
// acts, while the same script without the bug validates (the control). Needs the TLC jar.
//
// The scripts are three of sim/scenarios/membership-traps.ts (overlapping changes, removed nodes'
// votes, joint quorum on the old side), run with a trace sink. conf-change-before-term-commit's
// trap is not under trace validation yet.

import { requireTlcJar } from '../tla/test-support/require-tlc-jar';
import { validateTraceText, type ValidationResult } from '../tla/validate';
import { simTrace } from '../cli/sim-traces';
import { findBug } from '../sim/bugs/catalogue';
import { jointOldOnlyTrap, overlappingChangesTrap, removedVotesTrap } from '../sim/scenarios/membership-traps';
import type { ScenarioResult } from '../sim/scenarios/scenario';
import { parseTrace } from '../trace/read';
import { MemoryTrace } from '../trace/sink';

jest.setTimeout(600_000);

type Event = Record<string, any>;
const eventsOf = (text: string): Event[] => parseTrace(text).lines.slice(1).map((l) => JSON.parse(l) as Event);

/** The membership steps a trace contains: what the test needs to be about configuration changes. */
function membershipFeatures(text: string): { leaderRemoved: boolean; learnerPromoted: boolean; joint: boolean } {
  const accepted = eventsOf(text).filter((e) => e.ev === 'Step' && e.input === 'ProposeConfChange' && e.actions.includes('ProposeConfChange'));
  const learners = new Set<string>();
  let learnerPromoted = false;
  for (const e of accepted) {
    for (const c of e.changes as { kind: string; node: string }[]) {
      if (c.kind === 'AddVoter' && learners.has(c.node)) learnerPromoted = true;
      if (c.kind === 'AddLearner') learners.add(c.node);
    }
  }
  const steps = eventsOf(text).filter((e) => e.ev === 'Step');
  return {
    leaderRemoved: steps.some((e) => e.actions.includes('StepDownRemoved')),
    learnerPromoted,
    joint: steps.some((e) => e.actions.includes('EnterJoint')) && steps.some((e) => e.actions.includes('LeaveJoint')),
  };
}

describe('a membership-profile simulator run', () => {
  // The first seed whose run removes its leader and goes through a joint configuration. Before
  // main's membership plans changed (6f0ed98), seed 8 also added a learner and promoted it; on
  // today's plans no seed of 1-20 (3 nodes) promotes one, so the promotion is not required here
  // (the spec's promotion path is model-checked: MCRaftReconfigWitnessNoLearnerPromoted).
  const SEEDS = Array.from({ length: 20 }, (_, k) => k + 1);
  let found: { seed: number; text: string; events: number } | null = null;
  let result: ValidationResult;

  beforeAll(async () => {
    const jar = requireTlcJar();
    for (const seed of SEEDS) {
      const t = simTrace({ seed, faults: 'membership', durationMs: 3_000, nodes: 3, clients: 5 });
      const f = membershipFeatures(t.text);
      if (t.violation === null && f.leaderRemoved && f.joint) {
        found = { seed, text: t.text, events: t.events };
        break;
      }
    }
    if (found !== null) result = await validateTraceText(found.text, { jar });
  });

  it('removes its leader and goes through a joint configuration', () => {
    expect(found?.seed).toBeDefined();
  });

  it('validates whole against TraceRaft', () => {
    expect([result?.error ?? result?.verdict, result?.eventsMatched]).toEqual(['pass', result?.eventsTotal]);
    expect(result.eventsTotal).toBeGreaterThan(3_000);
  });
});

/** A membership trap's run, traced: the script with or without its planted bug. */
function traced(trap: typeof overlappingChangesTrap, bugName: string): (seed: number, withBug: boolean) => { text: string; run: ScenarioResult } {
  return (seed, withBug) => {
    const trace = new MemoryTrace();
    const run = trap(seed, withBug ? findBug(bugName) : null, trace);
    return { text: trace.ndjson(), run };
  };
}

/** The line (1-based, header = 1) of the first event that satisfies `pick`, which sees the events before it. */
function lineOf(text: string, pick: (e: Event, before: Event[]) => boolean): number {
  const events = eventsOf(text);
  return events.findIndex((e, k) => pick(e, events.slice(0, k))) + 2;
}

const removedBefore = (before: Event[]): Set<string> => new Set(before
  .filter((e) => e.ev === 'Step' && e.input === 'ProposeConfChange' && e.actions.includes('ProposeConfChange'))
  .flatMap((e) => (e.changes as { kind: string; node: string }[]).filter((c) => c.kind === 'RemoveNode').map((c) => c.node)));

const CASES = [
  {
    name: 'overlapping-conf-changes',
    make: traced(overlappingChangesTrap, 'overlapping-conf-changes'),
    // The second change, appended while the first is uncommitted.
    where: (e: Event) => e.ev === 'Step' && e.input === 'ProposeConfChange' && e.changes.some((c: { node: string }) => c.node === 'n5'),
    fields: ['actions', 'lastIndex'],
  },
  {
    name: 'removed-node-votes-counted',
    make: traced(removedVotesTrap, 'removed-node-votes-counted'),
    // The first campaign step that wins by counting a removed node's grant.
    where: (e: Event, before: Event[]) => e.ev === 'Step' && e.input === 'Receive'
      && ['PreVoteResponse', 'RequestVoteResponse'].includes(e.msg.type) && e.msg.granted === true
      && removedBefore(before).has(e.msg.from)
      && e.actions.some((a: string) => a === 'Timeout' || a === 'BecomeLeader'),
    fields: ['role'],
  },
  {
    name: 'joint-quorum-old-only',
    make: traced(jointOldOnlyTrap, 'joint-quorum-old-only'),
    // The first commit after the joint entry is appended: counted on the old voters only.
    where: (e: Event, before: Event[]) => e.ev === 'Step' && e.actions.includes('AdvanceCommitIndex')
      && before.some((b) => b.ev === 'Step' && b.actions.includes('EnterJoint')),
    fields: ['commit'],
  },
] as const;

describe.each(CASES)('planted membership bug $name under trace validation', ({ name, make, where, fields }) => {
  let bug: { text: string; run: ScenarioResult };
  let caught: ValidationResult;
  let control: ValidationResult;

  beforeAll(async () => {
    const jar = requireTlcJar();
    bug = make(1, true);
    const clean = make(1, false);
    expect(clean.run.violation).toBeNull();
    [caught, control] = await Promise.all([validateTraceText(bug.text, { jar }), validateTraceText(clean.text, { jar })]);
  });

  it('is caught by the simulator too, by a property the bug declares', () => {
    expect(findBug(name).caughtBy).toContain(bug.run.violation?.property);
  });

  it('is rejected by TLC at the step where the bug acts', () => {
    expect(caught.error ?? caught.verdict).toBe('fail');
    expect(caught.firstUnmatched?.line).toBe(lineOf(bug.text, where));
    expect(caught.firstUnmatched?.disagreeingFields).toEqual(expect.arrayContaining([...fields]));
  });

  it('the same script without the bug validates (the control)', () => {
    expect(control.error ?? control.verdict).toBe('pass');
  });
});
