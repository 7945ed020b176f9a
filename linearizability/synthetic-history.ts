import seedrandom from 'seedrandom';
import type { HistoryOp, KvOp, KvResult } from './history';

/**
 * Generates histories that are linearisable by construction: a simulated
 * single-copy store applies each operation atomically at a random instant
 * between its invocation and its completion, in virtual time. Used by the
 * benchmark and by tests that need large valid inputs.
 */
export interface SyntheticHistoryOptions {
  seed: number | string;
  ops: number;
  clients: number;
  keys: number;
  /** Probability that a client times out and never learns the outcome. */
  unknownRate: number;
  /** Of the timed-out ops, the fraction that nevertheless took effect. Default 0.5. */
  unknownAppliedRate?: number;
}

interface PendingOp {
  record: HistoryOp;
  /** Whether the store eventually applies it (false only for some timed-out ops). */
  applies: boolean;
  timedOut: boolean;
}

interface SimEvent {
  time: number;
  seq: number;
  kind: 'invoke' | 'apply' | 'complete';
  client: number;
  pending?: PendingOp;
}

/** A minimal binary min-heap on (time, seq); seq breaks ties so runs are reproducible. */
class EventQueue {
  private readonly items: SimEvent[] = [];
  private nextSeq = 0;

  get length(): number {
    return this.items.length;
  }

  push(e: Omit<SimEvent, 'seq'> & { seq?: number }): void {
    const items = this.items;
    const item = e as SimEvent;
    item.seq = this.nextSeq++;
    let i = items.push(item) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!EventQueue.before(item, items[parent])) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = item;
  }

  pop(): SimEvent {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= items.length) break;
        const r = l + 1;
        const child = r < items.length && EventQueue.before(items[r], items[l]) ? r : l;
        if (!EventQueue.before(items[child], last)) break;
        items[i] = items[child];
        i = child;
      }
      items[i] = last;
    }
    return top;
  }

  private static before(a: SimEvent, b: SimEvent): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }
}

const TIMEOUT_MS = 20;

export function generateLinearizableHistory(opts: SyntheticHistoryOptions): HistoryOp[] {
  const rng = seedrandom.alea(String(opts.seed));
  const uniform = (lo: number, hi: number): number => lo + (hi - lo) * rng();
  const pick = (n: number): number => Math.floor(rng() * n);
  const appliedRate = opts.unknownAppliedRate ?? 0.5;

  const store = new Map<string, string>();
  const history: HistoryOp[] = [];
  const queue = new EventQueue();
  let issued = 0;

  const chooseOp = (client: number): KvOp => {
    const key = `k${pick(opts.keys)}`;
    const r = rng();
    if (r < 0.4) return { kind: 'get', key };
    if (r < 0.7) return { kind: 'put', key, value: `c${client}-${issued}` };
    if (r < 0.85) {
      // Half the time the client expects the value it would see now, so a fair share of swaps succeed.
      const expected = rng() < 0.5 ? (store.get(key) ?? null) : rng() < 0.5 ? null : `c${pick(opts.clients)}-${pick(issued + 1)}`;
      return { kind: 'cas', key, expected, value: `c${client}-${issued}` };
    }
    return { kind: 'append', key, value: `${issued % 10}` };
  };

  const applyToStore = (op: KvOp): KvResult => {
    const current = store.get(op.key) ?? null;
    switch (op.kind) {
      case 'get':
        return { kind: 'value', value: current };
      case 'put':
        store.set(op.key, op.value);
        return { kind: 'ok' };
      case 'append':
        store.set(op.key, (current ?? '') + op.value);
        return { kind: 'ok' };
      case 'cas':
        if (current !== op.expected) return { kind: 'cas', ok: false };
        store.set(op.key, op.value);
        return { kind: 'cas', ok: true };
    }
  };

  for (let c = 0; c < opts.clients; c++) queue.push({ time: uniform(0, 2), kind: 'invoke', client: c });

  while (queue.length > 0) {
    const ev = queue.pop();
    if (ev.kind === 'invoke') {
      if (issued >= opts.ops) continue;
      const record: HistoryOp = { id: issued, client: `c${ev.client}`, op: chooseOp(ev.client), invokeMs: ev.time, completeMs: null, result: null };
      issued++;
      history.push(record);
      const timedOut = rng() < opts.unknownRate;
      const pending: PendingOp = { record, timedOut, applies: !timedOut || rng() < appliedRate };
      if (pending.applies) {
        // A timed-out op may still take effect long after the client gave up.
        const delay = timedOut ? uniform(0, 3 * TIMEOUT_MS) : uniform(0.2, 4);
        queue.push({ time: ev.time + delay, kind: 'apply', client: ev.client, pending });
      }
      if (timedOut) queue.push({ time: ev.time + TIMEOUT_MS + uniform(0, 1), kind: 'invoke', client: ev.client });
    } else if (ev.kind === 'apply') {
      const pending = ev.pending!;
      const result = applyToStore(pending.record.op);
      if (!pending.timedOut) {
        pending.record.result = result;
        queue.push({ time: ev.time + uniform(0.2, 4), kind: 'complete', client: ev.client, pending });
      }
    } else {
      ev.pending!.record.completeMs = ev.time;
      queue.push({ time: ev.time + uniform(0, 1), kind: 'invoke', client: ev.client });
    }
  }
  return history;
}
