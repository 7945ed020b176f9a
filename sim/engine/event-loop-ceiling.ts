// The bare event loop: the simulator's agenda (EventQueue) and a PRNG, no Raft, no network, no
// checkers. Each popped event schedules one new event a random delay later, so the queue holds a
// steady population like a run does (about a hundred events). What it reaches per second is the
// ceiling any simulator built on this agenda can reach on this machine, so `raftbed bench` reports
// the simulator's events/s as a ratio of it, measured in the same run. The caller times it: the
// simulator side never reads a clock.

import { AleaRng } from '../random/rng';
import { EventQueue } from './event-queue';

/** Events a simulation run keeps scheduled at once, roughly (5 nodes under profile all). */
export const CEILING_LIVE_EVENTS = 100;

/**
 * Pops and handles `events` events of the bare loop. Returns a checksum of the payloads popped,
 * which the caller should consume so that the work cannot be optimised away. Deterministic.
 */
export function runBareEventLoop(events: number, live = CEILING_LIVE_EVENTS): number {
  const rng = new AleaRng('event-loop-ceiling');
  const queue = new EventQueue<number>();
  for (let i = 0; i < live; i++) queue.push(rng.exponential(5), i);
  let checksum = 0;
  for (let i = 0; i < events; i++) {
    const nowMs = queue.peekTime() as number;
    checksum = (checksum + (queue.pop() as number)) % 1_000_000_007;
    queue.push(nowMs + rng.exponential(5), i);
  }
  return checksum;
}
