// Harness-only plants for proving the availability and catch-up properties can fail. They break
// progress, not safety (no safety property may fire), so they are not Raft bugs for the catalogue.
// Each is judged by the implementation-neutral checkers only (viewsOnly), as any implementation.
// Plants that remember something across steps are factories: a fresh one per run keeps runs
// deterministic.

import type { Input, NodeId, RaftState, StepResult } from '../../core';
import type { PlantedBug, StepFn } from '../bugs/types';
import { EMPTY_OUTPUT, outputWith } from './outputs';

/** The cluster's seed, which the simulator writes into every node's cluster id (`sim-<seed>`). */
export function seedOf(state: RaftState): number {
  return Number(state.config.clusterId.slice('sim-'.length));
}

/** The follower the leader's progress shows furthest behind (ties: the lowest id). */
function mostLagging(state: RaftState): NodeId {
  const progress = state.leader?.progress ?? {};
  const ids = Object.keys(progress).sort();
  return ids.reduce((a, b) => (progress[b].match < progress[a].match ? b : a));
}

/**
 * The leader never sends an entry twice: it ignores every AppendEntries rejection (so it never
 * backs up), and drops any AppendEntries whose entries start below what it had already sent that
 * follower (core re-sends from the follower's match once an answer shows an append was lost).
 * Entries a follower missed are never sent again and its commit index stays where it was. A
 * majority still commits, so operations keep completing: only LivenessCommitCatchUp can see it.
 */
export const neverResendLostAppends: PlantedBug = {
  name: 'test-never-resend-lost-appends',
  description: 'a leader ignores AppendEntries rejections and never re-sends entries, so entries a follower missed are never sent again',
  caughtBy: ['LivenessCommitCatchUp'],
  viewsOnly: true,
  step: (core) => (state: RaftState, input: Input) => {
    if (state.role !== 'Leader' || state.leader === null) return core(state, input);
    if (input.type === 'Receive' && input.message.type === 'AppendEntriesResponse' && !input.message.success) return { state, output: EMPTY_OUTPUT };
    const result = core(state, input);
    const sent = state.leader.progress;
    const messages = result.output.messages.filter(
      (m) => !(m.type === 'AppendEntriesRequest' && m.entries.length > 0 && sent[m.to] !== undefined && m.prevLogIndex + 1 < sent[m.to].next),
    );
    return messages.length === result.output.messages.length ? result : { state: result.state, output: { ...result.output, messages } };
  },
};

/**
 * The leader sends the last other voter no empty AppendEntries (no heartbeat, no commit notice):
 * that follower learns the commit index only from messages that carry entries, so once the
 * clients stop it stays behind for good.
 */
export const noHeartbeatsToOneFollower: PlantedBug = {
  name: 'test-no-heartbeats-to-one-follower',
  description: 'a leader never sends an empty AppendEntries (heartbeat or commit notice) to the last other voter',
  caughtBy: ['LivenessCommitCatchUp'],
  viewsOnly: true,
  step: (core) => (state: RaftState, input: Input) => {
    const result = core(state, input);
    if (result.state.role !== 'Leader') return result;
    const victim = result.state.cluster.voters.filter((v) => v !== result.state.config.id).at(-1);
    const messages = result.output.messages.filter((m) => !(m.type === 'AppendEntriesRequest' && m.to === victim && m.entries.length === 0));
    return messages.length === result.output.messages.length ? result : { state: result.state, output: { ...result.output, messages } };
  },
};

/**
 * A snapshot transfer stalls: only first chunks (offset 0) ever leave the leader, so a follower
 * that needs a snapshot holds its first chunk for ever (the leader resends it on every heartbeat,
 * which must not count as progress).
 */
export const snapshotStallsAfterFirstChunk: PlantedBug = {
  name: 'test-snapshot-stalls-after-first-chunk',
  description: 'a leader sends only the first chunk of a snapshot (offset 0), never the rest',
  caughtBy: ['LivenessCommitCatchUp'],
  viewsOnly: true,
  step: (core) => (state: RaftState, input: Input) => {
    const result = core(state, input);
    const messages = result.output.messages.filter((m) => !(m.type === 'InstallSnapshotRequest' && m.offset > 0));
    return messages.length === result.output.messages.length ? result : { state: result.state, output: { ...result.output, messages } };
  },
};

/**
 * Once, at its tick `atTick`, the leader starts handing leadership to its most lagging follower
 * and refuses every proposal for `stallTicks` ticks (core bounds a transfer by one election
 * timeout) before it completes the hand-off. Each write in that stretch is answered only after
 * the stall, yet within the operation timeout: LivenessOperations cannot see it.
 */
export function stallingHandOff(atTick: number, stallTicks: number): PlantedBug {
  let stall: { readonly node: NodeId; readonly term: number; readonly fromTick: number } | null = null;
  let handedOff = false;
  return {
    name: 'test-stalling-hand-off',
    description: `once, at tick ${atTick}, a leader starts handing off to its most lagging follower and refuses proposals for ${stallTicks} ticks`,
    caughtBy: ['AvailabilityStalledOperation'],
    viewsOnly: true,
    step: (core: StepFn) => (state: RaftState, input: Input): StepResult | readonly StepResult[] => {
      if (state.role !== 'Leader' || handedOff) return core(state, input);
      if (stall === null) {
        if (input.type === 'Tick' && state.tick >= atTick) stall = { node: state.config.id, term: state.term, fromTick: state.tick };
        return core(state, input);
      }
      if (stall.node !== state.config.id || stall.term !== state.term) return core(state, input);
      if (state.tick < stall.fromTick + stallTicks) {
        if (input.type !== 'Propose') return core(state, input);
        return { state, output: outputWith({ errors: [{ type: 'ProposalDropped', requestId: input.requestId, reason: 'TransferInProgress' }] }) };
      }
      handedOff = true;
      const transfer = core(state, { type: 'TransferLeadership', to: mostLagging(state) });
      return [transfer, core(transfer.state, input)];
    },
  };
}

/**
 * From every node's tick `fromTick`, for `ticks` ticks, the leader sends nothing (a wedged
 * leader) and no campaign can succeed (pre-vote and vote answers go unheard): the leader is
 * deposed by CheckQuorum and nobody replaces it until the stretch ends.
 */
export function electionsFailFor(fromTick: number, ticks: number): PlantedBug {
  const inStretch = (s: RaftState) => s.tick >= fromTick && s.tick < fromTick + ticks;
  return {
    name: 'test-elections-fail-for-a-while',
    description: `from tick ${fromTick} for ${ticks} ticks the leader sends nothing and no campaign hears its answers`,
    caughtBy: ['AvailabilityLeaderless'],
    viewsOnly: true,
    step: (core) => (state: RaftState, input: Input) => {
      if (!inStretch(state)) return core(state, input);
      if (input.type === 'Receive' && (input.message.type === 'PreVoteResponse' || input.message.type === 'RequestVoteResponse')) return { state, output: EMPTY_OUTPUT };
      const result = core(state, input);
      return state.role === 'Leader' ? { state: result.state, output: { ...result.output, messages: [] } } : result;
    },
  };
}

/**
 * The disk refuses a write, as the simulated disk did in the sweep that lost every seed's result:
 * once a node of a chosen seed has committed `atCommit` entries, its next persist record repeats
 * a sequence number, and SimDisk throws DiskWriteError.
 */
export function refusedDiskWrite(onSeed: (seed: number) => boolean, atCommit: number): PlantedBug {
  return {
    name: 'test-refused-disk-write',
    description: `on chosen seeds, a persist record after commit ${atCommit} repeats its sequence number`,
    caughtBy: ['UncaughtException'],
    viewsOnly: true,
    step: (core) => (state: RaftState, input: Input) => {
      const result = core(state, input);
      const p = result.output.persist;
      if (p === null || result.state.commitIndex < atCommit || !onSeed(seedOf(state))) return result;
      return { state: result.state, output: { ...result.output, persist: { ...p, seq: state.durableSeq } } };
    },
  };
}
