// ElectionTally and LeaderNoop: an election is won, lost and begun as the votes the node was sent say.
//
// Counting votes wrongly costs no safety as long as a node never leads without a quorum (the
// safety checker sees two leaders otherwise), and little in the liveness bounds: a candidate that
// forgets rejections waits for its timeout instead of giving up, one that counts a voter twice
// gives up early, and some leader still appears within a second. Mutation testing found both kinds
// surviving every sweep (docs/mutation.md, theme election-efficiency-unchecked). So the tally is
// judged here from what the checker itself saw delivered to the node, never from core's private
// vote lists (the very records such a bug corrupts):
//
//   ElectionTally  a (pre-)candidate's campaign is tallied from the answers of that campaign
//                  delivered to it: distinct voters of its configuration that granted (itself
//                  included) and distinct voters that refused. On each answer it must
//                  - advance in that step when the grants it holds (without its own vote, which a
//                    candidate counts only once it is durable) form a quorum: a pre-candidate to
//                    Candidate of the next term, a candidate to Leader;
//                  - give up in that step (Follower, same term) when the refusals form a quorum;
//                  - otherwise stay as it was: neither advance nor give up.
//                  In any step, a node leads, or passes its pre-vote, only when the distinct
//                  granting voters it was sent (and itself) form a quorum; with PreVote on, an
//                  election starts only from a passed pre-vote, or on a TimeoutNow. A quorum of refusals
//                  makes winning impossible; giving up earlier (as soon as the refusals block every
//                  quorum) would also be correct Raft, but core's rule is the quorum, and that is
//                  the bound judged.
//   LeaderNoop     the step that makes a node leader appends exactly one entry: a blank no-op of its
//                  new term (§5.4.2, §8). It is what lets the leader commit the entries of earlier
//                  terms and confirm reads; it carries no data, since nothing applies it and its
//                  bytes would count against the leader's flow-control and uncommitted-size limits.
//
// The tally lives with the state the step returned (a WeakMap keyed by state object): the
// simulator hands each node's last returned state to its next step, so the campaign's answers
// accumulate step by step. A state the checker never returned (a restart, a unit test that builds
// one) has no tally, and its campaign is not judged: a check that guesses would cry wolf.

import type { ClusterConfig, Input, Message, NodeId, RaftState, StepResult } from '../../core';
import { entryAt, lastIndex } from '../../core/log';
import { SafetyViolation } from '../../checkers/violation';

interface Tally {
  /** 'pre' for a pre-vote campaign (answers carry term + 1 when granted), 'vote' for an election. */
  readonly kind: 'pre' | 'vote';
  readonly term: number;
  readonly granted: readonly NodeId[];
  readonly rejected: readonly NodeId[];
}

const tallies = new WeakMap<RaftState, Tally>();

/** True when the distinct voters among `ids` form a majority of `voters` (counted here, not by core). */
function majority(voters: readonly NodeId[], ids: readonly NodeId[]): boolean {
  const distinct = new Set(ids.filter((id) => voters.includes(id)));
  return distinct.size >= Math.floor(voters.length / 2) + 1;
}

function quorum(cluster: ClusterConfig, ids: readonly NodeId[]): boolean {
  return majority(cluster.voters, ids) && (cluster.votersOutgoing === undefined || majority(cluster.votersOutgoing, ids));
}

/** The answer `m` belongs to the campaign `t` of a node in `s` (core's own acceptance rule, restated). */
function answerOf(s: RaftState, t: Tally, m: Message): { from: NodeId; granted: boolean } | null {
  if (t.kind === 'pre' && m.type === 'PreVoteResponse' && s.role === 'PreCandidate' && m.term === (m.granted ? s.term + 1 : s.term)) return { from: m.from, granted: m.granted };
  if (t.kind === 'vote' && m.type === 'RequestVoteResponse' && s.role === 'Candidate' && m.term === s.term) return { from: m.from, granted: m.granted };
  return null;
}

function fail(node: string, detail: string): never {
  throw new SafetyViolation('ElectionTally', `${node}${detail}`, node);
}

const describeTally = (t: Tally): string => `granted by [${[...new Set(t.granted)].join(', ')}], refused by [${[...new Set(t.rejected)].join(', ')}]`;

/** Throws SafetyViolation('ElectionTally' | 'LeaderNoop') if one step of `node` breaks the rules. */
export function checkElectionTally(node: string, before: RaftState, input: Input, result: StepResult): void {
  const after = result.state;
  const actions = result.output.actions;
  let tally = before.role === 'PreCandidate' || before.role === 'Candidate' ? tallies.get(before) : undefined;
  if (tally !== undefined && (tally.term !== before.term || tally.kind !== (before.role === 'PreCandidate' ? 'pre' : 'vote'))) tally = undefined;

  // An answer of the campaign under way: count it, then judge what the node did with the count.
  const answer = tally !== undefined && input.type === 'Receive' && input.message.to === node ? answerOf(before, tally, input.message) : null;
  if (tally !== undefined && answer !== null) {
    tally = answer.granted ? { ...tally, granted: [...tally.granted, answer.from] } : { ...tally, rejected: [...tally.rejected, answer.from] };
    const others = tally.granted.filter((id) => id !== node);
    const won = quorum(before.cluster, tally.kind === 'pre' ? tally.granted : others);
    const lost = !won && quorum(before.cluster, tally.rejected);
    const advanced = tally.kind === 'pre' ? after.role === 'Candidate' && after.term === before.term + 1 : after.role === 'Leader' && after.term === before.term;
    const gaveUp = after.role === 'Follower' && after.term === before.term;
    const what = `${tally.kind === 'pre' ? 'pre-candidate' : 'candidate'} of term ${before.term}, ${describeTally(tally)} after ${answer.from}'s ${answer.granted ? 'grant' : 'refusal'}`;
    if (won && !advanced) fail(node, `, ${what}: a quorum granted, but it is ${after.role} of term ${after.term}`);
    if (lost && !gaveUp) fail(node, `, ${what}: a quorum refused, so it cannot win, but it is still ${after.role} of term ${after.term}`);
    if (!won && !lost && after.role !== before.role && !(tally.kind === 'vote' && after.role === 'Leader')) {
      fail(node, `, ${what}: neither a quorum granted nor one refused, but it became ${after.role} of term ${after.term}`);
    }
  }

  // Leading, or passing the pre-vote, needs a quorum of distinct granting voters in every step.
  // One indexed pass for both flags: this runs on every step of every node.
  let preVoteStarted = false;
  let electionStarted = false;
  for (let k = 0; k < actions.length; k++) {
    const a = actions[k];
    if (a === 'PreVoteTimeout') preVoteStarted = true;
    else if (a === 'Timeout') electionStarted = true;
  }
  if (before.role !== 'Leader' && after.role === 'Leader') {
    const grants = before.role === 'Candidate' && !electionStarted ? tally?.granted : electionStarted ? [] : undefined;
    if (grants !== undefined && !quorum(after.cluster, [...grants, node])) {
      fail(node, ` became leader of term ${after.term} granted by [${[...new Set(grants)].join(', ')}] and itself: not a quorum of its configuration`);
    }
    checkLeaderNoop(node, before, after);
  }
  const onTimeoutNow = input.type === 'Receive' && input.message.type === 'TimeoutNowRequest';
  const passedPreVote = electionStarted && (before.role === 'PreCandidate' || preVoteStarted) && !onTimeoutNow;
  if (electionStarted && before.config.preVote && !onTimeoutNow && !passedPreVote) {
    fail(node, ` started an election of term ${after.term} as ${before.role} of term ${before.term}: with PreVote on, only a pre-candidate that passed its pre-vote (or a TimeoutNow) starts one`);
  }
  if (passedPreVote) {
    // Started this step, the pre-vote holds only the node's own grant; else what it was sent.
    const grants = preVoteStarted ? [node] : tally?.kind === 'pre' ? tally.granted : undefined;
    if (grants !== undefined && !quorum(before.cluster, grants)) {
      fail(node, ` passed its pre-vote of term ${before.term + 1} granted by [${[...new Set(grants)].join(', ')}]: not a quorum of its configuration`);
    }
  }

  // The campaign the node is in after the step: fresh if it began in this step, else carried on.
  if (after.role === 'PreCandidate') {
    const fresh = preVoteStarted || before.role !== 'PreCandidate' || before.term !== after.term;
    const next = fresh ? { kind: 'pre' as const, term: after.term, granted: [node], rejected: [] } : tally;
    if (next !== undefined) tallies.set(after, next);
  } else if (after.role === 'Candidate') {
    const fresh = electionStarted || before.role !== 'Candidate' || before.term !== after.term;
    const next = fresh ? { kind: 'vote' as const, term: after.term, granted: [], rejected: [] } : tally;
    if (next !== undefined) tallies.set(after, next);
  }
}

/** LeaderNoop: the step that makes a node leader appends one blank no-op of its term. */
function checkLeaderNoop(node: string, before: RaftState, after: RaftState): void {
  const appended = lastIndex(after.log) - lastIndex(before.log);
  const entry = entryAt(after.log, lastIndex(after.log));
  if (appended !== 1 || entry === undefined || entry.type !== 'Noop' || entry.term !== after.term || entry.data !== '') {
    const what = entry === undefined ? 'nothing' : `${JSON.stringify(entry)} at ${lastIndex(after.log)}`;
    throw new SafetyViolation('LeaderNoop', `${node} became leader of term ${after.term} appending ${appended} entries, the last ${what}: the first entry of its term must be one blank no-op`, node);
  }
}
