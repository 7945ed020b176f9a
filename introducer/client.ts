// A small typed client for the introducer. It runs over Node's `ws` and over a browser WebSocket,
// so it depends only on the minimal socket interface below (no Node imports).
import { parseServerFrame, type ErrorCode } from './schema';

/** The part of the WebSocket API this client needs; both `ws` and the browser provide it. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  // `any` because the two implementations type their events differently; handlers below check shapes.
  addEventListener(type: string, listener: (event: any) => void): void;
}

const CONNECTING = 0;
const OPEN = 1;

export interface JoinRequest {
  room: string;
  node: string;
  /** Token expiry, ms since the epoch. */
  expires: number;
  token: string;
}

export type ClientErrorCode = ErrorCode | 'invalid-server-frame';

export interface IntroducerClientEvents {
  'peer-joined': (node: string) => void;
  'peer-left': (node: string) => void;
  signal: (from: string, data: unknown) => void;
  /** Error frames from the server after joining (e.g. unknown-target), or server frames that failed validation. */
  error: (code: ClientErrorCode, message: string) => void;
  close: (code: number, reason: string) => void;
}

/** The join was refused (bad token, room full, ...) or the socket closed before the server answered. */
export class IntroducerJoinError extends Error {
  override readonly name = 'IntroducerJoinError';
  constructor(
    readonly code: ClientErrorCode | 'closed',
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

type Listeners = { [K in keyof IntroducerClientEvents]: Set<IntroducerClientEvents[K]> };

/**
 * Usage: create it, attach handlers, then `await client.join(request)`. Handlers are attached
 * before joining so no frame that arrives right after `joined` can be missed.
 */
export class IntroducerClient {
  private readonly listeners: Listeners = {
    'peer-joined': new Set(),
    'peer-left': new Set(),
    signal: new Set(),
    error: new Set(),
    close: new Set(),
  };
  private rosterList: string[] = [];
  private self?: { room: string; node: string };
  private pendingJoin?: { resolve: () => void; reject: (err: IntroducerJoinError) => void };
  private closed = false;

  constructor(private readonly socket: WebSocketLike) {
    socket.addEventListener('message', (event: { data?: unknown }) => this.onMessage(event.data));
    socket.addEventListener('close', (event: { code?: number; reason?: string }) => {
      this.closed = true;
      const code = typeof event?.code === 'number' ? event.code : 1006;
      const reason = typeof event?.reason === 'string' ? event.reason : '';
      this.pendingJoin?.reject(new IntroducerJoinError('closed', `socket closed (${code} ${reason})`));
      this.pendingJoin = undefined;
      for (const listener of this.listeners.close) listener(code, reason);
    });
  }

  /** Every member of the room including this node, kept current from peer-joined / peer-left. */
  get roster(): readonly string[] {
    return this.rosterList;
  }

  get node(): string | undefined {
    return this.self?.node;
  }

  get room(): string | undefined {
    return this.self?.room;
  }

  /** Subscribes; returns a function that unsubscribes. */
  on<K extends keyof IntroducerClientEvents>(event: K, listener: IntroducerClientEvents[K]): () => void {
    const set = this.listeners[event] as Set<IntroducerClientEvents[K]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Sends the join frame (waiting for the socket to open if needed); resolves once the server confirms. */
  join(request: JoinRequest): Promise<void> {
    if (this.self || this.pendingJoin) return Promise.reject(new IntroducerJoinError('already-joined', 'join called twice'));
    if (this.closed) return Promise.reject(new IntroducerJoinError('closed', 'socket is closed'));
    return new Promise<void>((resolve, reject) => {
      this.pendingJoin = { resolve, reject };
      const frame = JSON.stringify({ type: 'join', ...request });
      if (this.socket.readyState === OPEN) this.socket.send(frame);
      else if (this.socket.readyState === CONNECTING) {
        this.socket.addEventListener('open', () => this.socket.send(frame));
      } else {
        this.pendingJoin = undefined;
        reject(new IntroducerJoinError('closed', 'socket is closing'));
      }
    });
  }

  /** Relays an opaque signalling payload (offer, answer, ICE candidate) to one node of the room. */
  signal(to: string, data: unknown): void {
    if (!this.self) throw new IntroducerJoinError('not-joined', 'join before signalling');
    if (this.socket.readyState === OPEN) this.socket.send(JSON.stringify({ type: 'signal', to, data }));
  }

  /** Leaves the room; the server then closes the socket normally. */
  leave(): void {
    if (this.socket.readyState === OPEN) this.socket.send(JSON.stringify({ type: 'leave' }));
  }

  private emitError(code: ClientErrorCode, message: string): void {
    for (const listener of this.listeners.error) listener(code, message);
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'string') return this.emitError('invalid-server-frame', 'expected a text frame');
    const parsed = parseServerFrame(data);
    if (!parsed.ok) return this.emitError('invalid-server-frame', parsed.error.message);
    const frame = parsed.frame;
    switch (frame.type) {
      case 'joined':
        this.self = { room: frame.room, node: frame.node };
        this.rosterList = [...frame.roster];
        this.pendingJoin?.resolve();
        this.pendingJoin = undefined;
        return;
      case 'peer-joined':
        if (!this.rosterList.includes(frame.node)) this.rosterList = [...this.rosterList, frame.node];
        for (const listener of this.listeners['peer-joined']) listener(frame.node);
        return;
      case 'peer-left':
        this.rosterList = this.rosterList.filter((node) => node !== frame.node);
        for (const listener of this.listeners['peer-left']) listener(frame.node);
        return;
      case 'signal':
        for (const listener of this.listeners.signal) listener(frame.from, frame.data);
        return;
      case 'error':
        if (this.pendingJoin) {
          this.pendingJoin.reject(new IntroducerJoinError(frame.code, frame.message));
          this.pendingJoin = undefined;
          return;
        }
        return this.emitError(frame.code, frame.message);
    }
  }
}

/**
 * The same token as tokens.ts `makeJoinToken`, computed with WebCrypto so a browser holding the
 * cluster secret can mint its own. Works in Node 20 too (globalThis.crypto).
 */
export async function makeJoinTokenAsync(secret: string, room: string, node: string, expiresAtMs: number): Promise<string> {
  const encoder = new TextEncoder();
  const key = await globalThis.crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(`${room}|${node}|${expiresAtMs}`));
  return Array.from(new Uint8Array(mac), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
