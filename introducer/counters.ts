// Operational counters, exposed by handle.counters() and GET /healthz.

export interface IntroducerCounters {
  /** WebSocket connections open right now. */
  connectionsOpen: number;
  /** TCP connections held right now, of any kind (HTTP, WebSocket, silent): what the caps count. */
  socketsOpen: number;
  /** WebSocket connections accepted since start. */
  connectionsTotal: number;
  /** Nodes currently joined to a room. */
  nodesJoined: number;
  /** Non-empty rooms right now (empty rooms are collected at once). */
  rooms: number;
  framesReceived: number;
  framesRelayed: number;
  /** Strikes given, in total and by error code. */
  strikes: number;
  strikesByCode: Record<string, number>;
  /** Connections or joins refused, and sockets closed by the server, by reason. */
  rejections: Record<string, number>;
}

export class CounterSet {
  connectionsTotal = 0;
  framesReceived = 0;
  framesRelayed = 0;
  strikes = 0;
  private readonly strikesByCode = new Map<string, number>();
  private readonly rejections = new Map<string, number>();

  strike(code: string): void {
    this.strikes += 1;
    this.strikesByCode.set(code, (this.strikesByCode.get(code) ?? 0) + 1);
  }

  reject(reason: string): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
  }

  snapshot(live: { connectionsOpen: number; socketsOpen: number; nodesJoined: number; rooms: number }): IntroducerCounters {
    return {
      ...live,
      connectionsTotal: this.connectionsTotal,
      framesReceived: this.framesReceived,
      framesRelayed: this.framesRelayed,
      strikes: this.strikes,
      strikesByCode: Object.fromEntries(this.strikesByCode),
      rejections: Object.fromEntries(this.rejections),
    };
  }
}
