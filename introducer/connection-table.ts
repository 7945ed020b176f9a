// Admission of TCP connections, from the moment they are accepted (before any HTTP is parsed):
// every socket counts against a per-address cap and the global cap, whatever it turns out to be
// (an HTTP request, a WebSocket, or nothing at all). When the global cap is reached, each address
// is entitled to a fair share of it, floor(maxTotal / addresses); a newcomer below its share takes
// the slot of the oldest socket that has not joined a room, from the address holding the most.
// So many hostile addresses can fill the table, but cannot keep a well-behaved one out of it.

export interface TrackedConnection {
  readonly address: string;
  /** Set once the socket has joined a room: a joined socket is never evicted. */
  joined: boolean;
}

export type Admission<T> =
  | { readonly admit: true; readonly evict?: T }
  | { readonly admit: false; readonly reason: 'address-cap' | 'server-full' };

export class ConnectionTable<T extends TrackedConnection> {
  /** Connections per address, oldest first (Set keeps insertion order). */
  private readonly byAddress = new Map<string, Set<T>>();
  private total = 0;

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  get size(): number {
    return this.total;
  }

  get addresses(): number {
    return this.byAddress.size;
  }

  countFor(address: string): number {
    return this.byAddress.get(address)?.size ?? 0;
  }

  /** Each address's share of the cap, counting `address` among them. */
  fairShare(address: string): number {
    const addresses = this.byAddress.size + (this.byAddress.has(address) ? 0 : 1);
    return Math.max(1, Math.floor(this.maxTotal / addresses));
  }

  /**
   * Whether a new connection from `address` may be admitted, and if so whether another must be
   * evicted to make room for it. Does not change the table: call add() (and remove the victim).
   */
  decide(address: string): Admission<T> {
    const mine = this.countFor(address);
    if (mine >= this.maxPerAddress) return { admit: false, reason: 'address-cap' };
    if (this.total < this.maxTotal) return { admit: true };
    const share = this.fairShare(address);
    if (mine >= share) return { admit: false, reason: 'server-full' };
    const victim = this.evictionCandidate(share);
    return victim ? { admit: true, evict: victim } : { admit: false, reason: 'server-full' };
  }

  /** The oldest connection that has not joined, of the address most over its share. */
  private evictionCandidate(share: number): T | undefined {
    let best: T | undefined;
    let bestCount = share;
    for (const conns of this.byAddress.values()) {
      if (conns.size <= bestCount) continue;
      for (const c of conns) {
        if (c.joined) continue;
        best = c;
        bestCount = conns.size;
        break;
      }
    }
    return best;
  }

  add(conn: T): void {
    let conns = this.byAddress.get(conn.address);
    if (!conns) this.byAddress.set(conn.address, (conns = new Set()));
    if (conns.has(conn)) return;
    conns.add(conn);
    this.total += 1;
  }

  remove(conn: T): void {
    const conns = this.byAddress.get(conn.address);
    if (!conns?.delete(conn)) return;
    this.total -= 1;
    if (conns.size === 0) this.byAddress.delete(conn.address);
  }
}
