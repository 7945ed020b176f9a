/** A time that cannot be ordered (NaN) would silently corrupt the heap, so it is refused. */
export class EventTimeError extends Error {
  override readonly name = 'EventTimeError';
}

/**
 * The simulator's agenda: a 4-ary min-heap ordered by (timeMs, seq), where seq counts insertions.
 * Equal times therefore pop in insertion order, so a run never depends on heap internals. Four
 * children per node halve the depth of a binary heap; a pop compares more children per level but
 * moves fewer elements, which is faster at the simulator's queue sizes (about a hundred).
 *
 * Keys live in parallel typed arrays and payloads in a plain array: push and pop allocate nothing
 * except when the arrays double, which matters at millions of events per second.
 */
export class EventQueue<T> {
  private times = new Float64Array(64);
  private seqs = new Float64Array(64);
  private payloads: (T | undefined)[] = new Array<T | undefined>(64);
  private count = 0;
  private nextSeq = 0;

  get size(): number {
    return this.count;
  }

  /** Returns the event's seq (unique, increasing), handy for traces. */
  push(timeMs: number, payload: T): number {
    if (timeMs !== timeMs) throw new EventTimeError('EventQueue.push: timeMs is NaN');
    if (this.count === this.times.length) this.grow();
    const seq = this.nextSeq++;
    // Sift up by moving parents down into the hole, then write the new key once.
    let i = this.count++;
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = times[parent]!;
      if (pt < timeMs || (pt === timeMs && seqs[parent]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      payloads[i] = payloads[parent];
      i = parent;
    }
    times[i] = timeMs;
    seqs[i] = seq;
    payloads[i] = payload;
    return seq;
  }

  /** The time of the next event, or undefined when empty. */
  peekTime(): number | undefined {
    return this.count > 0 ? this.times[0] : undefined;
  }

  /** Removes and returns the earliest event's payload, or undefined when empty. */
  pop(): T | undefined {
    if (this.count === 0) return undefined;
    const payloads = this.payloads;
    const top = payloads[0];
    const last = --this.count;
    const times = this.times;
    const seqs = this.seqs;
    const t = times[last]!;
    const s = seqs[last]!;
    const p = payloads[last];
    payloads[last] = undefined; // let the payload be collected
    if (last > 0) {
      // Sift the former last element down from the root: at each level, the earliest of up to
      // four children moves up while it is earlier than the element being placed.
      let i = 0;
      for (;;) {
        const first = 4 * i + 1;
        if (first >= last) break;
        let child = first;
        let ct = times[first]!;
        let cs = seqs[first]!;
        const end = first + 4 < last ? first + 4 : last;
        for (let c = first + 1; c < end; c++) {
          const tc = times[c]!;
          if (tc < ct || (tc === ct && seqs[c]! < cs)) {
            child = c;
            ct = tc;
            cs = seqs[c]!;
          }
        }
        if (t < ct || (t === ct && s < cs)) break;
        times[i] = ct;
        seqs[i] = cs;
        payloads[i] = payloads[child];
        i = child;
      }
      times[i] = t;
      seqs[i] = s;
      payloads[i] = p;
    }
    return top;
  }

  /** Drops every pending event; seq keeps counting so that later ties stay ordered. */
  clear(): void {
    this.payloads.fill(undefined, 0, this.count);
    this.count = 0;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    times.set(this.times);
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
    this.payloads.length = capacity;
  }
}
