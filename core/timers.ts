// When a node's next timer can fire, as a pure query of its state.
//
// A Tick that fires no timer only counts: it adds one to `tick`, `electionElapsed` and (leaders)
// `heartbeatElapsed`, and outputs nothing. A driver that knows how many such ticks lie ahead can
// hand them to core as one `{ type: 'Tick', count }` input instead of stepping once per interval
// (the simulator's --skip-idle-ticks). The timers read here are every use of those counters in
// tick() (core/step.ts): the follower's and candidate's randomized election timeout, and the
// leader's election-timeout boundary (CheckQuorum, leadership-transfer expiry) and heartbeat.

import type { RaftState } from './state';
import type { Ticks } from './types';

/**
 * The number of the first Tick input, counting from the next one as 1, that can do more than
 * count: ticks 1 .. n - 1 only count. A `{ type: 'Tick', count }` input with count <= n equals
 * `count` single Ticks exactly (state and output); core refuses a larger count. Always >= 1.
 *
 * Conservative where a timer is due but may not act (a follower whose election timeout has passed
 * and that may not campaign): the answer is then 1, and the driver steps every tick as before.
 */
export function ticksUntilNextTimer(s: RaftState): Ticks {
  if (s.role !== 'Leader') return Math.max(1, s.randomizedElectionTimeout - s.electionElapsed);
  const election = Math.max(1, s.config.electionTimeoutTicks - s.electionElapsed);
  const heartbeat = Math.max(1, s.config.heartbeatIntervalTicks - s.heartbeatElapsed);
  return election < heartbeat ? election : heartbeat;
}
