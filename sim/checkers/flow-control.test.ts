// FlowControl must be able to fail: each rule gets a genuine leader step doctored to break it (the
// shapes of bug that mutation testing found surviving: a commit index told twice because the leader
// forgot it told it, a duplicate append at one instant, an empty snapshot chunk after the follower
// holds every byte), while the genuine step passes; planted step wrappers show the simulator
// reports it under its name; sweeps of every fault profile show it raises nothing on correct code.

import { Simulation } from '../cluster/simulation';
import { entriesBetween, lastIndex, step, termAt, type AppendEntriesRequest, type Input, type InstallSnapshotRequest, type LeaderState, type Message, type RaftState, type StepResult } from '../../core';
import { settledCluster } from './test-support/settled-cluster';
import { SafetyViolation } from '../../checkers/violation';
import { thrownViolation } from '../../checkers/test-support/thrown-violation';
import { makeSimConfig } from '../config';
import { runSeed } from '../run-seed';
import { bugSimConfig, runJudged } from '../bugs/run';
import type { PlantedBug } from '../bugs/types';
import { checkFlowControl } from './flow-control';

/** A leader's heartbeat step: three nodes, one proposal committed everywhere, then a tick that heartbeats. */
function heartbeatStep(): { before: RaftState; result: StepResult; follower: string } {
  const { c, leader } = settledCluster('a');
  let before = c.state(leader);
  for (let k = 0; k < 20; k++) {
    const result = step(before, { type: 'Tick' });
    if (result.output.messages.some((m) => m.type === 'AppendEntriesRequest')) {
      return { before, result, follower: result.output.messages[0].to };
    }
    before = result.state;
  }
  throw new Error('the leader sent no heartbeat in 20 ticks');
}

/** The state a heartbeat step started from: its round one lower (enough for the rule's round test). */
function heartbeatStepBefore(r: StepResult): RaftState {
  const l = r.state.leader as LeaderState;
  return { ...r.state, leader: { ...l, round: l.round - 1 } };
}

function withMessages(r: StepResult, messages: readonly Message[]): StepResult {
  return { ...r, output: { ...r.output, messages } };
}

const violationOf = (r: StepResult): SafetyViolation => thrownViolation(() => checkFlowControl(r.state.config.id, r.state, r));

describe('FlowControl catches a leader whose messages teach nothing', () => {
  it('accepts the genuine heartbeat step, whose followers are in Replicate mode', () => {
    const { result, follower } = heartbeatStep();
    expect(result.state.leader?.progress[follower].mode).toBe('Replicate');
    expect(() => checkFlowControl(result.state.config.id, result.state, result)).not.toThrow();
  });

  it('two identical appends to one follower at one instant', () => {
    const { result } = heartbeatStep();
    const v = violationOf(withMessages(result, [...result.output.messages, result.output.messages[0]]));
    expect(v.property).toBe('FlowControl');
    expect(v.detail).toMatch(/two identical requests to n\d at one instant/);
  });

  it('two requests that differ in one field of the rule are not duplicates', () => {
    const { result } = heartbeatStep();
    const first = result.output.messages[0] as AppendEntriesRequest;
    for (const other of [{ ...first, round: first.round + 1 }, { ...first, prevLogTerm: first.prevLogTerm + 1 }, { ...first, to: 'n9' }]) {
      const r = withMessages(result, [...result.output.messages, other]);
      expect(() => checkFlowControl(r.state.config.id, r.state, r)).not.toThrow();
    }
  });

  it('two identical appends in a burst of more messages than are compared pairwise', () => {
    const { result } = heartbeatStep();
    const first = result.output.messages[0] as AppendEntriesRequest;
    // Distinct rounds to a stranger (not in progress: only the duplicate rule applies), then a repeat.
    const burst: Message[] = Array.from({ length: 20 }, (_, k) => ({ ...first, to: 'n9', round: first.round + 1 + k }));
    expect(() => checkFlowControl(result.state.config.id, result.state, withMessages(result, [...result.output.messages, ...burst]))).not.toThrow();
    const v = violationOf(withMessages(result, [...result.output.messages, ...burst, burst[7]]));
    expect(v.detail).toMatch(/two identical requests to n9 at one instant/);
  });

  it('an append that tells a Replicate follower more than the leader records it told', () => {
    const { result, follower } = heartbeatStep();
    const l = result.state.leader as LeaderState;
    const forgot = { ...result, state: { ...result.state, leader: { ...l, progress: { ...l.progress, [follower]: { ...l.progress[follower], sentCommit: 0 } } } } };
    const v = violationOf(forgot);
    expect(v.detail).toMatch(new RegExp(`sent ${follower} commit index 2 in Replicate mode, but records it told 0`));
  });

  it('an empty append outside a heartbeat that repeats a commit index the follower was told', () => {
    const { result, follower } = heartbeatStep();
    const beat = result.output.messages.find((m) => m.to === follower) as AppendEntriesRequest;
    expect(beat.entries.length).toBe(0);
    // The next step, not a heartbeat (same round), sends the same commit-only append again.
    const again: StepResult = { state: result.state, output: { ...result.output, messages: [beat] } };
    expect(() => checkFlowControl(result.state.config.id, result.state, again, result.state, { type: 'Read', requestId: 'r' }))
      .toThrow(/an empty append to n\d outside a heartbeat that tells it commit index 2, which it was already told \(2\)/);
    // The heartbeat itself (a new round) may repeat it.
    expect(() => checkFlowControl(result.state.config.id, result.state, result, heartbeatStepBefore(result), { type: 'Tick' })).not.toThrow();
  });

  it('an empty snapshot chunk past byte 0', () => {
    const { result } = heartbeatStep();
    const ae = result.output.messages[0] as AppendEntriesRequest;
    const chunk: InstallSnapshotRequest = {
      type: 'InstallSnapshotRequest', cluster: ae.cluster, from: ae.from, to: ae.to, term: ae.term,
      lastIncludedIndex: 2, lastIncludedTerm: ae.term, lastIncludedConfig: { voters: ['n1', 'n2', 'n3'] }, offset: 6, data: '', done: true, round: ae.round,
    };
    expect(violationOf(withMessages(result, [chunk])).detail).toMatch(/empty InstallSnapshot chunk at offset 6/);
    expect(() => checkFlowControl(result.state.config.id, result.state, withMessages(result, [{ ...chunk, offset: 0 }]))).not.toThrow();
  });

  it('an append above the configured entry or byte limit (one entry may exceed the byte limit alone)', () => {
    const { result } = heartbeatStep();
    const ae = result.output.messages[0] as AppendEntriesRequest;
    const { maxEntriesPerAppend, maxBytesPerAppend } = result.state.config;
    const entry = (data: string) => ({ term: ae.term, type: 'Normal' as const, data });
    const many = Array.from({ length: maxEntriesPerAppend + 1 }, () => entry(''));
    expect(violationOf(withMessages(result, [{ ...ae, entries: many }])).detail).toMatch(/above maxEntriesPerAppend/);
    const half = 'x'.repeat(Math.ceil(maxBytesPerAppend / 2) + 1);
    expect(violationOf(withMessages(result, [{ ...ae, entries: [entry(half), entry(half)] }])).detail).toMatch(/above maxBytesPerAppend/);
    expect(() => checkFlowControl(result.state.config.id, result.state, withMessages(result, [{ ...ae, entries: [entry(half + half)] }]))).not.toThrow();
  });

  it('an empty append outside a heartbeat while entries the follower lacks are unsent and nothing is in flight', () => {
    const { result, follower } = heartbeatStep();
    const beat = result.output.messages.find((m) => m.to === follower) as AppendEntriesRequest;
    const l = result.state.leader as LeaderState;
    const last = lastIndex(result.state.log);
    const withProgress = (change: object): RaftState => ({ ...result.state, leader: { ...l, progress: { ...l.progress, [follower]: { ...l.progress[follower], ...change } } } });
    // Before the step the follower had not been told this commit index (so repeat-commit holds);
    // after it, the leader still has entry `last` unsent to it, with nothing in flight.
    const before = withProgress({ sentCommit: 0 });
    const lagging: StepResult = { state: withProgress({ next: last }), output: { ...result.output, messages: [beat] } };
    expect(() => checkFlowControl(result.state.config.id, lagging.state, lagging, before, { type: 'Read', requestId: 'r' }))
      .toThrow(new RegExp(`an empty append to ${follower} outside a heartbeat while entries ${last}\\.\\.${last} are unsent`));
    const caughtUp: StepResult = { state: result.state, output: { ...result.output, messages: [beat] } };
    expect(() => checkFlowControl(result.state.config.id, caughtUp.state, caughtUp, before, { type: 'Read', requestId: 'r' })).not.toThrow();
  });

  it('an append of entries sent while the in-flight window is full (count, or bytes at or past the window)', () => {
    const { result, follower } = heartbeatStep();
    const l = result.state.leader as LeaderState;
    const last = lastIndex(result.state.log);
    const [entry] = entriesBetween(result.state.log, last, last);
    const append: AppendEntriesRequest = {
      type: 'AppendEntriesRequest', cluster: result.state.config.clusterId, from: result.state.config.id, to: follower, term: result.state.term,
      prevLogIndex: last - 1, prevLogTerm: termAt(result.state.log, last - 1) as number, entries: [entry], leaderCommit: result.state.commitIndex, round: l.round,
    };
    // After the step: one older append of `earlierBytes` still in flight, then this one.
    const judged = (earlierBytes: number, config: Partial<RaftState['config']>) => {
      const pr = l.progress[follower];
      const inflight = [{ lastIndex: last - 1, bytes: earlierBytes, round: l.round }, { lastIndex: last, bytes: entry.data.length, round: l.round }];
      const state: RaftState = {
        ...result.state, config: { ...result.state.config, ...config },
        leader: { ...l, progress: { ...l.progress, [follower]: { ...pr, match: last - 2, next: last + 1, inflight, inflightBytes: earlierBytes + entry.data.length, sentCommit: Math.max(pr.sentCommit, result.state.commitIndex) } } },
      };
      return () => checkFlowControl(state.config.id, state, withMessages({ ...result, state }, [append]));
    };
    expect(judged(100, { maxInflightBytes: 100 })).toThrow(/sent with 100 bytes in flight, at or above maxInflightBytes 100/);
    expect(judged(150, { maxInflightBytes: 100 })).toThrow(/at or above maxInflightBytes/);
    expect(judged(99, { maxInflightBytes: 100 })).not.toThrow();
    expect(judged(1, { maxInflightAppends: 1 })).toThrow(/sent with 1 appends in flight, at or above maxInflightAppends 1/);
    expect(judged(1, { maxInflightAppends: 2 })).not.toThrow();
  });

  it('a commit-only append beside an append of entries to the same follower in one step and round (a heartbeat of a new round is not judged)', () => {
    const { result, follower } = heartbeatStep();
    const beat = result.output.messages.find((m) => m.to === follower) as AppendEntriesRequest;
    const last = lastIndex(result.state.log);
    // An append of the follower's last entry again (it is caught up), carrying the same commit index.
    const entries: AppendEntriesRequest = { ...beat, prevLogIndex: last - 1, prevLogTerm: termAt(result.state.log, last - 1) as number, entries: entriesBetween(result.state.log, last, last) };
    const both = withMessages(result, [beat, entries]);
    const l = result.state.leader as LeaderState;
    // Judged as a step that opened no round (the commit-only case), and as the heartbeat step it is.
    const sameRound: RaftState = { ...result.state, leader: { ...l, progress: { ...l.progress, [follower]: { ...l.progress[follower], sentCommit: 0 } } } };
    expect(() => checkFlowControl(result.state.config.id, result.state, both, sameRound, { type: 'Read', requestId: 'r' }))
      .toThrow(new RegExp(`an empty append to ${follower} telling commit index ${beat.leaderCommit} beside an append of entries ${last}\\.\\.${last} in the same step and round`));
    expect(() => checkFlowControl(result.state.config.id, result.state, both, heartbeatStepBefore(result), { type: 'Tick' })).not.toThrow();
    // Entries that carry a lower commit index (or of another round) leave the empty append its use.
    expect(() => checkFlowControl(result.state.config.id, result.state, withMessages(result, [beat, { ...entries, leaderCommit: 0 }]), sameRound, { type: 'Read', requestId: 'r' })).not.toThrow();
    expect(() => checkFlowControl(result.state.config.id, result.state, withMessages(result, [beat, { ...entries, round: beat.round + 1 }]), sameRound, { type: 'Read', requestId: 'r' })).not.toThrow();
  });

  it('a follower with nothing in flight left without the entries it lacks, or without the commit index it can take', () => {
    const { result, follower } = heartbeatStep();
    const l = result.state.leader as LeaderState;
    const pr = l.progress[follower];
    expect(pr).toMatchObject({ mode: 'Replicate', inflight: [] });
    const untold: RaftState = { ...result.state, leader: { ...l, progress: { ...l.progress, [follower]: { ...pr, sentCommit: 0 } } } };
    const quiet = { ...result, state: untold, output: { ...result.output, messages: [] } };
    expect(violationOf(quiet).detail).toMatch(new RegExp(`${follower} has every entry and nothing in flight, but was told commit index 0, not ${result.state.commitIndex}`));
    // Entries still in flight to it will carry it: not judged.
    const last = lastIndex(result.state.log);
    const inFlight: RaftState = { ...untold, leader: { ...l, progress: { ...l.progress, [follower]: { ...pr, sentCommit: 0, match: last - 1, inflight: [{ lastIndex: last, bytes: 0, round: l.round }] } } } };
    expect(() => checkFlowControl(result.state.config.id, inFlight, { ...quiet, state: inFlight })).not.toThrow();
    // Entries it lacks left unsent while nothing is in flight (its window open) wait for a heartbeat too.
    const unsent: RaftState = { ...untold, leader: { ...l, progress: { ...l.progress, [follower]: { ...pr, next: last } } } };
    expect(violationOf({ ...quiet, state: unsent }).detail).toMatch(new RegExp(`${follower} has nothing in flight, yet entries ${last}\\.\\.${last} are unsent to it`));
  });

  describe('probe pacing: one probe outstanding at a time, and the next one as soon as it is answered', () => {
    // The heartbeat step's follower made a Probe follower whose probe at `last` is outstanding.
    function probing() {
      const { result, follower } = heartbeatStep();
      const l = result.state.leader as LeaderState;
      const last = lastIndex(result.state.log);
      const withFollower = (change: object): RaftState => ({ ...result.state, leader: { ...l, progress: { ...l.progress, [follower]: { ...l.progress[follower], mode: 'Probe', inflight: [], inflightBytes: 0, ...change } } } });
      const before = withFollower({ probeSent: true, next: last + 1, match: last - 1 });
      const answer = (prevLogIndex: number, success: boolean): Input => ({
        type: 'Receive', message: { type: 'AppendEntriesResponse', cluster: result.state.config.clusterId, from: follower, to: result.state.config.id, term: result.state.term, success, matchIndex: success ? prevLogIndex : 0, conflictIndex: success ? 0 : prevLogIndex, conflictTerm: 0, prevLogIndex, round: l.round },
      });
      const probe: AppendEntriesRequest = { ...(result.output.messages.find((m) => m.to === follower) as AppendEntriesRequest), prevLogIndex: last, prevLogTerm: termAt(result.state.log, last) as number, entries: [] };
      const judge = (after: RaftState, messages: readonly Message[], input: Input) => () => checkFlowControl(result.state.config.id, after, { state: after, output: { ...result.output, messages } }, before, input);
      return { follower, last, before, withFollower, answer, probe, judge };
    }

    it('a probe sent again on an answer to an older message, while it is outstanding', () => {
      const { follower, last, before, withFollower, answer, probe, judge } = probing();
      const stillProbing = withFollower({ probeSent: true, next: last + 1, match: last - 1 });
      expect(judge(stillProbing, [probe], answer(last - 2, false))).toThrow(new RegExp(`an append to ${follower} at ${last} while its probe at ${last} is unanswered, outside a heartbeat \\(on an answer to an older message, at ${last - 2}\\)`));
      expect(judge(stillProbing, [probe], { type: 'Read', requestId: 'r' })).toThrow(/while its probe at \d+ is unanswered/);
      // Its own answer (a rejection at next - 1), or one that raised its match, may be followed by the next append.
      expect(judge(stillProbing, [probe], answer(last, false))).not.toThrow();
      expect(judge(withFollower({ probeSent: true, next: last + 1, match: last }), [probe], answer(last - 2, true))).not.toThrow();
      expect(before.leader?.progress[follower].probeSent).toBe(true);
    });

    it('an answered probe that leaves the follower paused with nothing sent', () => {
      const { follower, last, withFollower, answer, probe, judge } = probing();
      const paused = withFollower({ probeSent: true, next: last + 1, match: last - 1 });
      expect(judge(paused, [], answer(last, true))).toThrow(new RegExp(`${follower}'s probe at ${last} was answered, yet it stays paused in Probe mode with nothing sent`));
      expect(judge(withFollower({ probeSent: false, next: last + 1, match: last }), [], answer(last, true))).not.toThrow();
      expect(judge(withFollower({ probeSent: true, next: last + 1, match: last }), [probe], answer(last, true))).not.toThrow();
      // An answer to an older message leaves the outstanding probe outstanding.
      expect(judge(paused, [], answer(last - 2, true))).not.toThrow();
    });

    it('is reported by the simulator when core\'s leader keeps a probe outstanding after its answer', () => {
      const stuck: PlantedBug = {
        name: 'probe-answer-ignored', description: 'a Probe follower whose probe is answered without a higher match gets nothing until the next heartbeat', caughtBy: ['FlowControl'],
        config: { faults: 'all', nodes: 3, durationMs: 10_000 },
        step: (core) => (state, input) => {
          const r = core(state, input);
          const l = r.state.leader;
          if (input.type !== 'Receive' || input.message.type !== 'AppendEntriesResponse' || !input.message.success || l === null || l === undefined) return r;
          const from = input.message.from;
          const pr = l.progress[from];
          const was = state.leader?.progress[from];
          if (pr?.mode !== 'Probe' || was?.mode !== 'Probe' || !was.probeSent || input.message.prevLogIndex !== was.next - 1) return r;
          const messages = r.output.messages.filter((m) => !(m.to === from && m.type === 'AppendEntriesRequest'));
          return { state: { ...r.state, leader: { ...l, progress: { ...l.progress, [from]: { ...pr, probeSent: true } } } }, output: { ...r.output, messages } };
        },
      };
      const found = [1, 2, 3].map((seed) => runJudged(bugSimConfig(stuck, seed), stuck).violation).find((v) => v !== null);
      expect(found?.property).toBe('FlowControl');
      expect(found?.detail).toMatch(/was answered, yet it stays paused in Probe mode/);
    });
  });

  const planted = (name: string, description: string, change: (r: StepResult) => StepResult): PlantedBug => ({
    name, description, caughtBy: ['FlowControl'], config: { faults: 'crashes', nodes: 3, durationMs: 2_000 },
    step: (core) => (state, input) => change(core(state, input)),
  });

  it('is reported by the simulator when core\'s step repeats every commit-only append', () => {
    const repeat = planted('repeat-commit-only-appends', 'a leader sends each empty append twice', (r) => {
      const empty = r.output.messages.filter((m) => m.type === 'AppendEntriesRequest' && m.entries.length === 0);
      return empty.length === 0 ? r : withMessages(r, [...r.output.messages, ...empty]);
    });
    expect(runJudged(bugSimConfig(repeat, 1), repeat).violation?.property).toBe('FlowControl');
    expect(runJudged(bugSimConfig(repeat, 1), null).violation).toBeNull();
  });

  it('is reported by the simulator when core\'s step forgets which commit index it told', () => {
    const forget = planted('forget-told-commit', 'a leader records every follower as told nothing', (r) => {
      const l = r.state.leader;
      if (l === null || l === undefined) return r;
      const progress = Object.fromEntries(Object.entries(l.progress).map(([id, p]) => [id, { ...p, sentCommit: 0 }]));
      return { ...r, state: { ...r.state, leader: { ...l, progress } } };
    });
    const v = runJudged(bugSimConfig(forget, 1), forget).violation;
    expect(v?.property).toBe('FlowControl');
    expect(v?.detail).toMatch(/but records it told 0/);
  });

  // Core steps with a window other than the one the checker holds it to (the config in the state it returns).
  const windowIgnored = (name: string, description: string, coreWindow: (bytes: number) => number): PlantedBug => ({
    name, description, caughtBy: ['FlowControl'],
    config: { faults: 'crashes', nodes: 3, durationMs: 3_000, raft: { maxInflightBytes: 70 }, pinned: ['maxInflightBytes'] },
    step: (core) => (state, input) => {
      const r = core({ ...state, config: { ...state.config, maxInflightBytes: coreWindow(state.config.maxInflightBytes) } }, input);
      return { ...r, state: { ...r.state, config: state.config } };
    },
  });

  it('is reported by the simulator when core\'s leader ignores the in-flight byte window, or pauses only past it', () => {
    const ignored = windowIgnored('inflight-bytes-ignored', 'a leader never pauses for bytes in flight', () => 8 * 1024 * 1024);
    const v = runJudged(bugSimConfig(ignored, 1), ignored).violation;
    expect(v?.property).toBe('FlowControl');
    expect(v?.detail).toMatch(/at or above maxInflightBytes 70/);
    expect(runJudged(bugSimConfig(ignored, 1), null).violation).toBeNull();
    // Pausing at window + 1 bytes is pausing only past the window: caught once the bytes in flight
    // equal it (70 is one command's size).
    const past = windowIgnored('inflight-bytes-past', 'a leader pauses only once bytes in flight exceed the window', (w) => w + 1);
    const caught = [1, 2, 3, 4, 5].map((seed) => runJudged(bugSimConfig(past, seed), past).violation?.detail ?? '');
    expect(caught.some((d) => /sent with 70 bytes in flight, at or above maxInflightBytes 70/.test(d))).toBe(true);
  });

  it('is reported by the simulator when core\'s leader tells an idle follower its commit index only with heartbeats', () => {
    const heartbeatsOnly: PlantedBug = {
      name: 'commit-only-with-heartbeats', description: 'a leader sends no commit-only append outside a heartbeat', caughtBy: ['FlowControl'],
      config: { faults: 'crashes', nodes: 3, durationMs: 2_000 },
      step: (core) => (state, input) => {
        const r = core(state, input);
        const l = r.state.leader;
        if (l === null || l === undefined || state.leader === null || state.leader === undefined || l.round !== state.leader.round) return r;
        const dropped = r.output.messages.filter((m) => m.type === 'AppendEntriesRequest' && m.entries.length === 0);
        if (dropped.length === 0) return r;
        // Drop them, and the leader's record of having sent them.
        const progress = { ...l.progress };
        for (const m of dropped) if (progress[m.to] !== undefined) progress[m.to] = { ...progress[m.to], sentCommit: state.leader.progress[m.to]?.sentCommit ?? 0 };
        return { state: { ...r.state, leader: { ...l, progress } }, output: { ...r.output, messages: r.output.messages.filter((m) => !dropped.includes(m)) } };
      },
    };
    const v = runJudged(bugSimConfig(heartbeatsOnly, 1), heartbeatsOnly).violation;
    expect(v?.property).toBe('FlowControl');
    expect(v?.detail).toMatch(/has every entry and nothing in flight, but was told commit index \d+, not \d+/);
  });

  it('raises nothing on correct code under every fault profile', () => {
    for (const faults of ['all', 'swarm', 'partitions', 'crashes', 'membership'] as const) {
      for (const nodes of [3, 5]) {
        for (const seed of [1, 2]) expect(runSeed(makeSimConfig({ seed, faults, nodes, durationMs: 10_000 })).violation).toBeNull();
      }
    }
  });
});

describe('FlowControl on membership changes', () => {
  // A committed removal used to tell a removed member its commit index twice at one instant (once
  // as the commit advanced, once more on the way out); these seeds failed the duplicate rule then.
  it.each([
    [1, 5, 3],
    [1, 3, undefined],
    [1, 5, undefined],
  ])('seed %i, %i nodes (%s initial voters): no request sent twice at one instant', (seed, nodes, initialVoters) => {
    const result = new Simulation(makeSimConfig({ seed, nodes, faults: 'membership', checkLinearizability: false, ...(initialVoters ? { initialVoters } : {}) })).run();
    expect(result.violation).toBeNull();
    expect(result.coverage.counts.removals).toBeGreaterThan(0);
  });
});
