/**
 * The event list the Wing–Gong–Lowe search walks: one call entry per
 * operation and one return entry per operation with a known outcome, in time
 * order, linked so that linearising an operation can unlink its two entries
 * in O(1) and backtracking can relink them in O(1).
 */

export interface TimedOp {
  invokeMs: number;
  /** `null`: outcome unknown, so there is no return event; the op is never forced to take effect. */
  completeMs: number | null;
}

export interface Entry {
  /** Index of the operation in invocation order (also its bit in the linearised set). */
  readonly opIndex: number;
  readonly isCall: boolean;
  /** Event time: invocation for a call entry, completion for a return entry. */
  readonly time: number;
  /** For a call entry, its return entry (null when the outcome is unknown). */
  match: Entry | null;
  prev: Entry | null;
  next: Entry | null;
}

export interface EntryList {
  /** Sentinel before the first event; `head.next` is the earliest unlinearised event. */
  readonly head: Entry;
  /** Call entries indexed by opIndex. */
  readonly calls: Entry[];
}

/**
 * Builds the list for operations already sorted in invocation order.
 * Events at equal times put calls before returns: an operation that returns
 * at the very instant another is invoked is treated as concurrent with it,
 * the conservative reading that never reports a violation the timestamps
 * cannot prove.
 */
export function buildEntryList(ops: readonly TimedOp[]): EntryList {
  const calls: Entry[] = new Array(ops.length);
  const returns: Entry[] = [];
  for (let opIndex = 0; opIndex < ops.length; opIndex++) {
    const { invokeMs, completeMs } = ops[opIndex];
    const call: Entry = { opIndex, isCall: true, time: invokeMs, match: null, prev: null, next: null };
    calls[opIndex] = call;
    if (completeMs !== null) {
      const ret: Entry = { opIndex, isCall: false, time: completeMs, match: null, prev: null, next: null };
      call.match = ret;
      returns.push(ret);
    }
  }
  returns.sort((a, b) => a.time - b.time || a.opIndex - b.opIndex);

  // Calls are already in invocation order: merge the two sorted runs.
  const head: Entry = { opIndex: -1, isCall: false, time: -Infinity, match: null, prev: null, next: null };
  let last = head;
  const append = (e: Entry): void => {
    last.next = e;
    e.prev = last;
    last = e;
  };
  let r = 0;
  for (let c = 0; c < calls.length; c++) {
    const invoke = calls[c].time;
    while (r < returns.length && returns[r].time < invoke) append(returns[r++]);
    append(calls[c]);
  }
  while (r < returns.length) append(returns[r++]);
  return { head, calls };
}

function unlink(e: Entry): void {
  e.prev!.next = e.next;
  if (e.next !== null) e.next.prev = e.prev;
}

function relink(e: Entry): void {
  e.prev!.next = e;
  if (e.next !== null) e.next.prev = e;
}

/** Removes a linearised operation's call and return events. */
export function lift(call: Entry): void {
  unlink(call);
  if (call.match !== null) unlink(call.match);
}

/** Undoes `lift`; must be applied in exact reverse order of lifts. */
export function unlift(call: Entry): void {
  if (call.match !== null) relink(call.match);
  relink(call);
}
