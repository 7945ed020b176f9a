// Keeps one node joined to the introducer: connects, joins, hands the client to the transport,
// and on any close reconnects with exponential backoff. A reloaded tab can race its own old socket
// (the server still holds the node id for a moment: node-id-in-use); the backoff absorbs that.

import { IntroducerClient } from '../../introducer/client';
import type { JoinRequest, WebSocketLike } from '../../introducer/client';

export type SignallingState = 'idle' | 'connecting' | 'joined' | 'backoff' | 'stopped';

export interface SignallingSessionOptions {
  /** ws:// or wss:// URL of the introducer's /ws endpoint. */
  readonly url: string;
  readonly join: JoinRequest;
  readonly WebSocket: new (url: string) => WebSocketLike;
  readonly onJoined: (client: IntroducerClient) => void;
  readonly onLost: () => void;
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
}

export class SignallingSession {
  private socket: WebSocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private backoffMs: number;
  private current: SignallingState = 'idle';
  private error: string | null = null;
  private joins = 0;

  constructor(private readonly options: SignallingSessionOptions) {
    this.backoffMs = options.backoffInitialMs ?? 200;
  }

  get state(): SignallingState {
    return this.current;
  }

  get lastError(): string | null {
    return this.error;
  }

  /** Successful joins so far (reconnections included). */
  get joinCount(): number {
    return this.joins;
  }

  start(): void {
    if (this.current !== 'idle') return;
    this.connect();
  }

  private connect(): void {
    if (this.current === 'stopped') return;
    this.current = 'connecting';
    let socket: WebSocketLike;
    try {
      socket = new this.options.WebSocket(this.options.url);
    } catch (e) {
      this.error = `cannot open ${this.options.url}: ${(e as Error)?.message ?? e}`;
      this.retry();
      return;
    }
    this.socket = socket;
    const client = new IntroducerClient(socket);
    let joined = false;
    client.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (joined) this.options.onLost();
      this.retry();
    });
    socket.addEventListener('error', () => {
      // A close event follows; it drives the retry.
    });
    client.join(this.options.join).then(
      () => {
        if (this.socket !== socket || this.current === 'stopped') return;
        joined = true;
        this.joins++;
        this.current = 'joined';
        this.error = null;
        this.backoffMs = this.options.backoffInitialMs ?? 200;
        this.options.onJoined(client);
      },
      (e: Error) => {
        this.error = e.message;
        // The close that follows a refused join schedules the retry.
        try {
          socket.close();
        } catch {
          // ignore
        }
      },
    );
  }

  private retry(): void {
    if (this.current === 'stopped') return;
    this.current = 'backoff';
    if (this.timer !== null) clearTimeout(this.timer);
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.options.backoffMaxMs ?? 5000, this.backoffMs * 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  stop(): void {
    this.current = 'stopped';
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      try {
        socket.close(1000, 'stopping');
      } catch {
        // ignore
      }
    }
  }
}
