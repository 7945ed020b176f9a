// Trace validation of snapshot transfers that outlive a compaction: core's leader finishes
// streaming the snapshot it started (pins it) after taking a newer one, so its chunks may name a
// snapshot older than its newest. TraceRaft accepts exactly that: the newest snapshot, or an older
// one it has already sent (a transfer under way), never one that was never sent. Needs TLC.

import { requireTlcJar } from '../tla/test-support/require-tlc-jar';
import { validateTraceText } from '../tla/validate';
import { simTrace } from '../cli/sim-traces';
import { parseTrace } from '../trace/read';
import { completeTrace } from '../trace/sink';

jest.setTimeout(240_000);

type Event = Record<string, any>;
const lines = (text: string): Event[] => parseTrace(text).lines.map((l) => JSON.parse(l) as Event);
const unlines = (events: Event[]): string => completeTrace(events.map((e) => JSON.stringify(e)));

/**
 * A run with a snapshot every 3 entries and 16-byte chunks, under partitions: followers cut off
 * need snapshots, and the leader compacts several times during each transfer.
 */
const RUN = { seed: 1, faults: 'partitions' as const, durationMs: 1500, overrides: { snapshotEveryEntries: 3, raft: { snapshotChunkBytes: 16 } } };

/** Indices of the Send lines whose chunk names a snapshot older than the sender's newest. */
function olderSnapshotChunks(events: Event[]): number[] {
  const newest: Record<string, number> = {};
  const found: number[] = [];
  events.forEach((e, k) => {
    if (e.ev === 'Step' && e.state) newest[e.node] = e.state.snapshotIndex;
    if (e.ev === 'Send' && e.msg.type === 'InstallSnapshotRequest' && e.msg.lastIncludedIndex < newest[e.msg.from]) found.push(k);
  });
  return found;
}

describe('TraceRaft and pinned snapshot transfers', () => {
  let events: Event[];
  beforeAll(() => {
    requireTlcJar();
    const trace = simTrace(RUN);
    expect(trace.violation).toBeNull();
    events = lines(trace.text);
  });

  it('the run streams older snapshots after newer compactions, and installs them', () => {
    expect(olderSnapshotChunks(events).length).toBeGreaterThanOrEqual(5);
    expect(events.filter((e) => e.ev === 'Step' && e.actions.includes('InstallSnapshot')).length).toBeGreaterThanOrEqual(2);
  });

  it('is a behaviour of TraceRaft', async () => {
    const result = await validateTraceText(unlines(events));
    expect(result.verdict).toBe('pass');
    expect(result.eventsMatched).toBe(result.eventsTotal);
  });

  it('a chunk of a snapshot the leader never sent fails at that line, naming msg', async () => {
    const sent = new Set(events.filter((e) => e.ev === 'Send' && e.msg.type === 'InstallSnapshotRequest').map((e) => e.msg.lastIncludedIndex));
    const k = olderSnapshotChunks(events)[0];
    const index = events[k].msg.lastIncludedIndex;
    // An index below the pinned one with the same term, at which nobody sent a snapshot.
    let forged = index - 1;
    while (sent.has(forged) && forged > 1) forged--;
    expect(sent.has(forged)).toBe(false);
    const edited = events.map((e) => ({ ...e }));
    edited[k] = { ...edited[k], msg: { ...edited[k].msg, lastIncludedIndex: forged } };
    const result = await validateTraceText(unlines(edited));
    expect(result.verdict).toBe('fail');
    expect(result.firstUnmatched?.line).toBe(k + 1);
    expect(result.firstUnmatched?.disagreeingFields).toEqual(['msg']);
  });
});
