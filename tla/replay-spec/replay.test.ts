import * as fs from 'fs';
import * as path from 'path';
import { parseBehaviourFile } from './behaviour-file';
import { SpecBehaviour, decodeBehaviour } from './spec-state';
import { projectMessage } from './core-harness';
import { commitsAlone, forgetsVote, forgetsVoteOnDisk, overstatesMatch, sendsTimeoutNowEarly } from './planted-bugs';
import { addedMessages, formatDisagreement, replayBehaviour } from './replay';

// A behaviour TLC generated (seed 11, PreVote off, the 112th of 150 at depth 40): an election with a split vote, proposals, a commit.
const fixture: SpecBehaviour = decodeBehaviour(
  parseBehaviourFile(fs.readFileSync(path.join(__dirname, 'testdata', 'vote-and-commit.behaviour'), 'utf8'), 'vote-and-commit'),
  'vote-and-commit',
);

/** The first step at which a node receives a vote request of its term after voting for another
 * candidate, whose log is up to date: where a correct voter refuses and forgetsVote grants. */
function firstDoubleVoteStep(b: SpecBehaviour): { step: number; node: string } {
  for (let s = 1; s < b.states.length; s++) {
    const a = b.states[s].action;
    if (a.name !== 'Receive' || a.msg.mtype !== 'RequestVoteRequest') continue;
    const voter = b.states[s - 1].nodes.get(a.node)!;
    const ownLastTerm = voter.logTerms.length === 0 ? 0 : voter.logTerms[voter.logTerms.length - 1];
    const upToDate =
      (a.msg.mlastLogTerm as number) > ownLastTerm ||
      (a.msg.mlastLogTerm === ownLastTerm && (a.msg.mlastLogIndex as number) >= voter.logTerms.length);
    if (a.msg.mterm === voter.term && voter.votedFor !== null && voter.votedFor !== a.msg.msource && upToDate) return { step: s, node: a.node };
  }
  throw new Error('the fixture has no double-vote opportunity');
}

function firstStep(b: SpecBehaviour, name: string): number {
  return b.states.findIndex((s, k) => k > 0 && s.action.name === name);
}

describe('replayBehaviour', () => {
  it('replays the fixture against core with no disagreement, through an election and a commit', () => {
    const r = replayBehaviour(fixture, { preVote: false });
    expect(r.disagreement).toBeNull();
    expect(r.steps).toBe(fixture.states.length - 1);
    expect(r.leadersElected).toBeGreaterThanOrEqual(1);
    expect(r.maxCommitIndex).toBeGreaterThanOrEqual(1);
  });

  it('catches a voter that forgets its vote, at the step where it votes twice', () => {
    const expected = firstDoubleVoteStep(fixture);
    const r = replayBehaviour(fixture, { preVote: false, step: forgetsVote });
    expect(r.disagreement).toMatchObject({ behaviour: 'vote-and-commit', step: expected.step, node: expected.node });
    expect(r.disagreement!.action).toMatch(/^Receive RequestVoteRequest /);
    // The vote is written before the (held) grant could leave: either shows first.
    expect(['votedFor', 'messages']).toContain(r.disagreement!.field);
    expect(r.steps).toBe(expected.step - 1);
  });

  it('catches a leader that commits without a quorum, at its first proposal', () => {
    const expected = firstStep(fixture, 'ClientRequest');
    const r = replayBehaviour(fixture, { preVote: false, step: commitsAlone });
    expect(r.disagreement).toMatchObject({ step: expected, field: 'commitIndex' });
    expect(r.disagreement!.core).toBeGreaterThan(r.disagreement!.spec as number);
    expect(formatDisagreement(r.disagreement!)).toContain(`step ${expected} (ClientRequest `);
  });

  it('catches a response that differs from the spec\'s, naming both messages', () => {
    const r = replayBehaviour(fixture, { preVote: false, step: overstatesMatch });
    const d = r.disagreement!;
    expect(d.field).toBe('messages');
    expect(d.action).toMatch(/^(Receive AppendEntriesRequest|PersistAck) /);
    const [specMessage] = d.spec as { mmatchIndex: number }[];
    const [coreMessage] = d.core as { mmatchIndex: number }[];
    expect(coreMessage.mmatchIndex).toBe(specMessage.mmatchIndex + 1);
  });

  it('reports a spec state that core cannot reach (the spec side edited), at that step', () => {
    const s = firstStep(fixture, 'Timeout');
    const states = fixture.states.map((st, k) => {
      if (k !== s) return st;
      const nodes = new Map(st.nodes);
      const id = (st.action as { node: string }).node;
      nodes.set(id, { ...nodes.get(id)!, term: nodes.get(id)!.term + 5 });
      return { ...st, nodes };
    });
    const r = replayBehaviour({ source: 'edited', states }, { preVote: false });
    expect(r.disagreement).toMatchObject({ step: s, field: 'term' });
  });
});

describe('projectMessage', () => {
  it('reduces core messages to the spec fields, entries to their terms', () => {
    expect(
      projectMessage({
        type: 'AppendEntriesRequest', cluster: 'c', from: 'n1', to: 'n2', term: 2, prevLogIndex: 1, prevLogTerm: 1,
        entries: [{ term: 2, type: 'Noop', data: '' }], leaderCommit: 1, round: 7,
      }),
    ).toEqual({ mtype: 'AppendEntriesRequest', msource: 'n1', mdest: 'n2', mterm: 2, mprevLogIndex: 1, mprevLogTerm: 1, mentries: [2], mcommitIndex: 1 });
    expect(projectMessage({ type: 'TimeoutNowRequest', cluster: 'c', from: 'n1', to: 'n2', term: 2 })).toEqual({
      mtype: 'TimeoutNowRequest', msource: 'n1', mdest: 'n2', mterm: 2,
    });
    expect(
      projectMessage({ type: 'ReadIndexRequest', cluster: 'c', from: 'n1', to: 'n2', term: 2, requestId: 'r' }),
    ).toBeNull();
  });
});

// A behaviour TLC generated (seed 13, PreVote off, depth 40): n1 leads, is asked to hand over to a
// follower that has not caught up (step 15), and the follower campaigns on TimeoutNow (step 24).
const transferFixture: SpecBehaviour = decodeBehaviour(
  parseBehaviourFile(fs.readFileSync(path.join(__dirname, 'testdata', 'leadership-transfer.behaviour'), 'utf8'), 'leadership-transfer'),
  'leadership-transfer',
);

describe('replayBehaviour: leadership transfer', () => {
  const transferSteps = transferFixture.states.flatMap((s, k) => (s.action.name === 'TransferLeadership' ? [k] : []));
  /** A transfer whose target is behind: the spec sends no TimeoutNow yet. */
  const earlyStep = transferSteps.find((k) => addedMessages(transferFixture.states[k - 1], transferFixture.states[k]).size === 0)!;
  const campaignStep = transferFixture.states.findIndex(
    (s) => s.action.name === 'Receive' && s.action.msg.mtype === 'TimeoutNowRequest' && s.nodes.get(s.action.node)!.role === 'Candidate',
  );

  it('the fixture holds a transfer to a lagging target and a campaign on TimeoutNow', () => {
    expect(earlyStep).toBeGreaterThan(0);
    expect(campaignStep).toBeGreaterThan(earlyStep);
    const before = transferFixture.states[campaignStep - 1].nodes.get((transferFixture.states[campaignStep].action as { node: string }).node)!;
    const after = transferFixture.states[campaignStep].nodes.get((transferFixture.states[campaignStep].action as { node: string }).node)!;
    expect(after.term).toBe(before.term + 1);
    // The campaign's vote requests are marked as a transfer's.
    const added = [...addedMessages(transferFixture.states[campaignStep - 1], transferFixture.states[campaignStep]).keys()];
    expect(added.some((k) => k.includes('"mtransfer",true'))).toBe(true);
  });

  it('replays the transfer against core with no disagreement', () => {
    const r = replayBehaviour(transferFixture, { preVote: false });
    expect(r.disagreement).toBeNull();
    expect(r.steps).toBe(transferFixture.states.length - 1);
  });

  it('catches a leader that sends TimeoutNow before the target caught up, at that TransferLeadership', () => {
    const r = replayBehaviour(transferFixture, { preVote: false, step: sendsTimeoutNowEarly });
    const d = r.disagreement!;
    expect(d).toMatchObject({ step: earlyStep, field: 'messages', spec: [] });
    expect(d.action).toMatch(/^TransferLeadership /);
    expect(d.core).toEqual([expect.objectContaining({ mtype: 'TimeoutNowRequest' })]);
  });
});

// A behaviour TLC generated (seed 5, PreVote off, depth 40): nodes crash and restart from their
// acknowledged writes (unacknowledged ones lost), one after voting and logging, and entries commit.
const restartFixture: SpecBehaviour = decodeBehaviour(
  parseBehaviourFile(fs.readFileSync(path.join(__dirname, 'testdata', 'crash-restart.behaviour'), 'utf8'), 'crash-restart'),
  'crash-restart',
);

describe('replayBehaviour: crash and restart', () => {
  const restartOf = (k: number) => restartFixture.states[k].nodes.get((restartFixture.states[k].action as { node: string }).node)!;
  const firstVotedRestart = restartFixture.states.findIndex((s, k) => s.action.name === 'Restart' && restartOf(k).votedFor !== null);

  it('replays restarts from the durable image with no disagreement', () => {
    expect(firstVotedRestart).toBeGreaterThan(0);
    expect(restartOf(firstVotedRestart).logTerms.length).toBeGreaterThan(0);
    const r = replayBehaviour(restartFixture, { preVote: false });
    expect(r.disagreement).toBeNull();
    expect(r.steps).toBe(restartFixture.states.length - 1);
    expect(r.maxCommitIndex).toBeGreaterThanOrEqual(1);
  });

  it('catches persist records that leave out the vote, at the first restart of a node that had voted', () => {
    const r = replayBehaviour(restartFixture, { preVote: false, step: forgetsVoteOnDisk });
    expect(r.disagreement).toMatchObject({ step: firstVotedRestart, field: 'votedFor', spec: restartOf(firstVotedRestart).votedFor, core: null });
    expect(r.disagreement!.action).toMatch(/^Restart /);
  });
});
