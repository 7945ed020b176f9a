// SnapshotTransfer must be able to fail: each rule gets a planted step wrapper that breaks it the
// way mutation testing found core's snapshot code could (a follower that drops a current leader's
// chunk 0 or discards bytes it held, an answer that hides an install, a leader that takes an
// answer about another snapshot for its own or resends on an answer that taught it nothing), run
// through swarm seeds (small chunks, frequent compaction); the same seeds pass unplanted; sweeps of
// every fault profile show it raises nothing on correct code.

import type { Input, InstallSnapshotResponse, Progress, RaftState, StepResult } from '../../core';
import { makeSimConfig } from '../config';
import { runSeed } from '../run-seed';
import { bugSimConfig, runJudged } from '../bugs/run';
import type { PlantedBug, StepFn } from '../bugs/types';

const SWARM5 = { faults: 'swarm', nodes: 5, durationMs: 10_000 } as const;

function planted(name: string, description: string, wrap: (core: StepFn, state: RaftState, input: Input) => StepResult): PlantedBug {
  return { name, description, caughtBy: ['SnapshotTransfer'], config: SWARM5, step: (core) => (state, input) => wrap(core, state, input) };
}

/** The step's answer to the chunk it handled, if it went out at once. */
function answerIn(r: StepResult): InstallSnapshotResponse | undefined {
  return r.output.messages.find((m): m is InstallSnapshotResponse => m.type === 'InstallSnapshotResponse');
}

function withProgress(s: RaftState, id: string, patch: Partial<Progress>): RaftState {
  const l = s.leader!;
  return { ...s, leader: { ...l, progress: { ...l.progress, [id]: { ...l.progress[id], ...patch } } } };
}

/** Seed `seed` catches `bug` under SnapshotTransfer with `detail`, and passes without it. */
function expectCaught(bug: PlantedBug, seed: number, detail: RegExp): void {
  const v = runJudged(bugSimConfig(bug, seed), bug).violation;
  expect(v?.property).toBe('SnapshotTransfer');
  expect(v?.detail).toMatch(detail);
  expect(runJudged(bugSimConfig(bug, seed), null).violation).toBeNull();
}

describe('SnapshotTransfer catches a transfer that moves backwards or a needless chunk', () => {
  it('a follower that drops the first chunk of a current leader\'s snapshot (takes-start)', () => {
    const bug = planted('drop-chunk-zero', 'a follower keeps what it held and answers 0 bytes to chunk 0 of a snapshot it lacks', (core, state, input) => {
      const r = core(state, input);
      if (input.type !== 'Receive' || input.message.type !== 'InstallSnapshotRequest' || input.message.offset !== 0 || input.message.done) return r;
      const answer = answerIn(r);
      if (answer === undefined || answer.installed) return r;
      return { state: { ...r.state, incomingSnapshot: state.incomingSnapshot }, output: { ...r.output, messages: r.output.messages.map((m) => (m === answer ? { ...answer, bytesReceived: 0 } : m)) } };
    });
    expectCaught(bug, 6, /refused, holding .*: a current leader's snapshot it lacks must start a transfer/);
  });

  it('a follower that discards the bytes it held on a later chunk (forward)', () => {
    const bug = planted('discard-held-bytes', 'a follower handling a chunk past byte 0 keeps only that chunk\'s bytes', (core, state, input) => {
      const r = core(state, input);
      const was = state.incomingSnapshot;
      const now = r.state.incomingSnapshot;
      if (input.type !== 'Receive' || input.message.type !== 'InstallSnapshotRequest' || was === null || now === null || now.index !== was.index) return r;
      return { ...r, state: { ...r.state, incomingSnapshot: { ...now, data: '' } } };
    });
    expectCaught(bug, 7, /moved its transfer of term \d+ back from \d+ bytes of snapshot \d+ to 0 bytes/);
  });

  it('a follower that answers the final chunk as not installed (answer)', () => {
    const bug = planted('hide-install', 'a follower that installs a snapshot answers that it did not', (core, state, input) => {
      const r = core(state, input);
      if (input.type !== 'Receive' || input.message.type !== 'InstallSnapshotRequest' || input.message.offset === 0) return r;
      const answer = answerIn(r);
      if (answer === undefined || !answer.installed) return r;
      return { ...r, output: { ...r.output, messages: r.output.messages.map((m) => (m === answer ? { ...answer, installed: false } : m)) } };
    });
    expectCaught(bug, 7, /with installed=false, with commit index/);
  });

  it('a leader that takes an answer about another snapshot for the one it streams (other-snapshot)', () => {
    const bug = planted('any-snapshot-answer', 'a leader reads every InstallSnapshot answer as about the snapshot pinned for that follower', (core, state, input) => {
      if (input.type !== 'Receive' || input.message.type !== 'InstallSnapshotResponse' || state.role !== 'Leader') return core(state, input);
      const m = input.message;
      const pinned = state.leader?.progress[m.from]?.pinnedSnapshot;
      if (pinned === null || pinned === undefined || pinned.index === m.lastIncludedIndex) return core(state, input);
      return core(state, { type: 'Receive', message: { ...m, lastIncludedIndex: pinned.index } });
    });
    expectCaught(bug, 7, /an answer from n\d about snapshot \d+ .* changed its transfer of snapshot \d+ .*: it belongs to an earlier transfer/);
  });

  it('a leader that resends a chunk on an answer that acknowledges nothing new (nothing-new)', () => {
    const bug = planted('resend-on-old-answer', 'a leader answers every InstallSnapshot answer with a chunk', (core, state, input) => {
      if (input.type !== 'Receive' || input.message.type !== 'InstallSnapshotResponse' || state.role !== 'Leader') return core(state, input);
      const m = input.message;
      const pr = state.leader?.progress[m.from];
      if (pr === undefined || pr.pinnedSnapshot?.index !== m.lastIncludedIndex || m.installed || pr.snapshotAckedBytes === 0 || m.bytesReceived !== pr.snapshotAckedBytes) return core(state, input);
      // As if the leader had recorded one byte fewer: the answer then looks new, and a chunk goes out.
      return core(withProgress(state, m.from, { snapshotAckedBytes: pr.snapshotAckedBytes - 1 }), input);
    });
    expectCaught(bug, 7, /acknowledged no byte beyond the \d+ recorded, yet it sent 1 chunk\(s\)/);
  });

  it('raises nothing on correct code under every fault profile', () => {
    for (const faults of ['all', 'swarm', 'partitions', 'crashes', 'membership'] as const) {
      for (const nodes of [3, 5]) {
        for (const seed of [1, 2]) expect(runSeed(makeSimConfig({ seed, faults, nodes, durationMs: 10_000 })).violation).toBeNull();
      }
    }
  });
});
