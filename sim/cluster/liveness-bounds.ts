// How long a healthy cluster may take, once faults stop, to elect a leader, to bring a follower's
// commit index up to the leader's, and to answer an operation. Every bound is derived from the
// run's timing (ticks, election timeout, fsync, and the network's delays after the quiet point),
// so a slower network or longer timeouts widen the bounds instead of producing false alarms.

import type { RaftConfig } from '../../core';
import type { SimConfig } from '../config';
import type { NetworkParams } from '../network/params';

/**
 * One-way delays are `minMs` plus an exponential; ten means of that exponential are exceeded once
 * in e^10 (about 22,000) messages, and a chain of several such hops far more rarely still.
 */
const EXPONENTIAL_MEANS_PER_HOP = 10;

export interface LivenessBounds {
  /** The longest election timeout a node can draw (timeouts are drawn from [T, 2T) ticks). */
  readonly electionTimeoutMaxMs: number;
  /** A generous request-response round trip: two slow hops plus the responder's fsync. */
  readonly roundTripMs: number;
  /** AvailabilityLeaderless: the longest a cluster may go without a leader after the quiet point. */
  readonly leaderlessMs: number;
  /** LivenessCommitCatchUp: how long a live, connected follower may stay behind its stable leader's commit. */
  readonly catchUpMs: number;
  /** AvailabilityStalledOperation: how long an operation invoked once a leader was due may stay pending. */
  readonly stalledOperationMs: number;
}

/** `raft` is a node's full Raft config (the simulator's `raft` settings over core's defaults). */
export function livenessBounds(config: SimConfig, raft: Pick<RaftConfig, 'electionTimeoutTicks'>, network: NetworkParams): LivenessBounds {
  const electionTimeoutMaxMs = 2 * raft.electionTimeoutTicks * config.tickMs;
  const d = network.delay;
  const hopMs = d.minMs + EXPONENTIAL_MEANS_PER_HOP * Math.max(0, d.meanMs - d.minMs);
  const roundTripMs = 2 * hopMs + config.fsyncMaxMs;
  // An election: a full timeout, then a pre-vote and a vote round (each voter persists its vote);
  // a split vote costs another timeout. The configured bound is the floor.
  const leaderlessMs = Math.max(config.livenessLeaderBoundMs, 2 * electionTimeoutMaxMs + 4 * roundTripMs);
  // With a stable leader, a lagging follower is found by the next heartbeat's answer, probed back
  // to where its log matches (fast backtracking: a round trip per divergent term), sent what it
  // lacks, and told the commit index: a few round trips. Two election timeouts are the slack.
  const catchUpMs = 2 * electionTimeoutMaxMs + 4 * roundTripMs;
  // An operation may meet one leader change or an expiring transfer (an election timeout), lose
  // one attempt to a node that stopped leading (an attempt timeout), be redirected, and then
  // need a replication or read-confirmation round trip or two.
  const stalledOperationMs = electionTimeoutMaxMs + config.workload.attemptTimeoutMs + 4 * roundTripMs;
  return { electionTimeoutMaxMs, roundTripMs, leaderlessMs, catchUpMs, stalledOperationMs };
}
