// Raft over WebRTC data channels: one simple-peer connection between every pair of nodes.
//
// - Who offers: the node with the smaller id (WRaft's rule), so two nodes never both offer.
// - Signalling goes through the introducer: payloads are {sid, sig} (a simple-peer signal for
//   connection attempt `sid`) or {hello: true} (the answering side asking for a new attempt).
//   A new sid makes the answering side drop its old connection, so a reconnect never mixes the
//   candidates of two attempts.
// - Reconnection: a connection that closes, errors or does not open in time is retried with
//   exponential backoff while the peer is in the room; a peer that (re)joins is dialled at once.
// - Outgoing messages are queued per peer and leave at the end of the current task as frames
//   (framing.ts packs a burst into as few frames as fit). Nothing is buffered while a channel is
//   down: Raft retransmits, and stale messages would only be noise.
// - Every incoming frame is validated; a bad one is dropped and counted, never thrown. A message
//   claiming to come from someone other than the channel's peer is dropped too.
// - `setPartitioned(true)` drops every frame both ways while keeping the channels open.

import type { Message } from '../../core';
import { decodeFrame, encodeFrames, describeFrameError } from './framing';
import { APP_FRAME_TAG, decodeAppFrame, encodeAppFrame } from './app-frames';
import type { AppFrame } from './app-frames';
import type { PeerConnectionState, PeerStatus, RaftTransport, TransportReceiver } from './types';
import { BROWSER_MAX_FRAME_BYTES } from '../node/browser-config';

/** The part of a simple-peer instance this transport uses. */
export interface SimplePeerLike {
  on(event: 'signal', listener: (data: unknown) => void): unknown;
  on(event: 'connect' | 'close', listener: () => void): unknown;
  on(event: 'data', listener: (data: Uint8Array) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  signal(data: unknown): void;
  send(data: Uint8Array): void;
  destroy(): void;
  readonly connected: boolean;
  /** Bytes queued on the data channel (simple-peer's bufferSize getter). */
  readonly bufferSize?: number;
}

export interface SimplePeerOptions {
  initiator: boolean;
  config: { iceServers: unknown[] };
  trickle: boolean;
  wrtc?: unknown;
  channelConfig?: { ordered: boolean };
}

export type SimplePeerConstructor = new (options: SimplePeerOptions) => SimplePeerLike;

/** What the transport needs from the introducer client (IntroducerClient satisfies it). */
export interface SignallingLike {
  readonly roster: readonly string[];
  on(event: 'peer-joined' | 'peer-left', listener: (node: string) => void): () => void;
  on(event: 'signal', listener: (from: string, data: unknown) => void): () => void;
  signal(to: string, data: unknown): void;
}

export interface PeerTransportOptions {
  readonly self: string;
  /** Every node of the cluster (self included); others are ignored. */
  readonly voters: readonly string[];
  readonly SimplePeer: SimplePeerConstructor;
  /** simple-peer's `wrtc` option: @roamhq/wrtc in Node tests; absent in browsers. */
  readonly wrtc?: unknown;
  /** ICE servers for RTCPeerConnection. Default none: simple-peer's default STUN servers are unreachable here. */
  readonly iceServers?: unknown[];
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** An attempt not connected by then is abandoned and retried. Default 10 s. */
  readonly connectTimeoutMs?: number;
  readonly maxFrameBytes?: number;
  /** Messages to a peer whose channel has more than this queued are dropped (Raft resends). Default 8 MiB. */
  readonly maxBufferedBytes?: number;
}

interface Slot {
  readonly id: string;
  readonly initiator: boolean;
  peer: SimplePeerLike | null;
  sid: string | null;
  state: PeerConnectionState;
  attempts: number;
  backoffMs: number;
  retryTimer: ReturnType<typeof setTimeout> | null;
  connectTimer: ReturnType<typeof setTimeout> | null;
  outbox: Message[];
  framesIn: number;
  framesOut: number;
  badFrames: number;
  droppedOut: number;
}

export interface TransportCounters {
  badFrames: number;
  /** Bad frames by reason (a FrameError type, 'AppFrame', 'Spoofed', 'Unexpected' or 'DecoderFault'). */
  badFramesByType: Record<string, number>;
  lastBadFrame: string | null;
  signalsIgnored: number;
}

export class PeerTransport implements RaftTransport {
  private readonly slots = new Map<string, Slot>();
  private receiver: TransportReceiver | null = null;
  private signalling: SignallingLike | null = null;
  private unsubscribe: (() => void)[] = [];
  private flushScheduled = false;
  private closed = false;
  private attemptCounter = 0;
  private partition = false;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly connectTimeoutMs: number;
  private readonly maxFrameBytes: number;
  private readonly maxBufferedBytes: number;
  readonly counters: TransportCounters = { badFrames: 0, badFramesByType: {}, lastBadFrame: null, signalsIgnored: 0 };

  constructor(private readonly options: PeerTransportOptions) {
    this.backoffInitialMs = options.backoffInitialMs ?? 200;
    this.backoffMaxMs = options.backoffMaxMs ?? 5000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.maxFrameBytes = options.maxFrameBytes ?? BROWSER_MAX_FRAME_BYTES;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    for (const id of options.voters) {
      if (id === options.self) continue;
      this.slots.set(id, {
        id, initiator: options.self < id, peer: null, sid: null, state: 'waiting', attempts: 0, backoffMs: this.backoffInitialMs,
        retryTimer: null, connectTimer: null, outbox: [], framesIn: 0, framesOut: 0, badFrames: 0, droppedOut: 0,
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Signalling
  // -------------------------------------------------------------------------------------------

  /** Starts using a (newly joined) introducer connection; dials every peer already in the room. */
  attachSignalling(signalling: SignallingLike): void {
    this.detachSignalling();
    if (this.closed) return;
    this.signalling = signalling;
    this.unsubscribe = [
      signalling.on('peer-joined', (node) => this.onPeerJoined(node)),
      signalling.on('peer-left', (node) => this.onPeerLeft(node)),
      signalling.on('signal', (from, data) => this.onSignal(from, data)),
    ];
    for (const slot of this.slots.values()) {
      if (!signalling.roster.includes(slot.id) || slot.state === 'connected') continue;
      if (slot.initiator) this.dial(slot);
      else this.sendSignal(slot.id, { hello: true });
    }
  }

  /** The introducer connection went away. Open channels keep working; new ones wait for the next. */
  detachSignalling(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.signalling = null;
  }

  private sendSignal(to: string, data: unknown): void {
    try {
      this.signalling?.signal(to, data);
    } catch {
      // Not joined (yet): the next attachSignalling dials again.
    }
  }

  private onPeerJoined(node: string): void {
    const slot = this.slots.get(node);
    if (!slot) return;
    // A peer that (re)joined has a fresh page: whatever we had with it is dead.
    if (slot.initiator) {
      slot.backoffMs = this.backoffInitialMs;
      this.dial(slot);
    } else {
      this.dropPeer(slot, 'waiting');
    }
  }

  private onPeerLeft(node: string): void {
    const slot = this.slots.get(node);
    if (!slot) return;
    this.dropPeer(slot, 'waiting');
  }

  private onSignal(from: string, data: unknown): void {
    const slot = this.slots.get(from);
    if (!slot || this.closed || typeof data !== 'object' || data === null) {
      this.counters.signalsIgnored++;
      return;
    }
    const d = data as { sid?: unknown; sig?: unknown; hello?: unknown };
    if (d.hello === true) {
      if (slot.initiator && slot.state !== 'connected') {
        slot.backoffMs = this.backoffInitialMs;
        this.dial(slot);
      } else if (!slot.initiator) {
        this.counters.signalsIgnored++;
      }
      return;
    }
    if (typeof d.sid !== 'string' || d.sig === undefined) {
      this.counters.signalsIgnored++;
      return;
    }
    if (slot.initiator) {
      // Answers and candidates for our current attempt only.
      if (d.sid !== slot.sid || slot.peer === null) {
        this.counters.signalsIgnored++;
        return;
      }
    } else if (d.sid !== slot.sid) {
      // A new attempt from the offering side replaces whatever we had.
      this.dropPeer(slot, 'connecting');
      slot.sid = d.sid;
      this.createPeer(slot, false);
    }
    try {
      slot.peer?.signal(d.sig);
    } catch {
      this.counters.signalsIgnored++;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Connections
  // -------------------------------------------------------------------------------------------

  private dial(slot: Slot): void {
    if (this.closed || !slot.initiator) return;
    this.dropPeer(slot, 'connecting');
    slot.sid = `${this.options.self}.${++this.attemptCounter}.${Math.floor(Math.random() * 1e9).toString(36)}`;
    this.createPeer(slot, true);
  }

  private createPeer(slot: Slot, initiator: boolean): void {
    slot.attempts++;
    slot.state = 'connecting';
    const sid = slot.sid;
    const peer = new this.options.SimplePeer({
      initiator, trickle: true, config: { iceServers: this.options.iceServers ?? [] },
      ...(this.options.wrtc !== undefined ? { wrtc: this.options.wrtc } : {}),
    });
    slot.peer = peer;
    const current = (): boolean => slot.peer === peer && !this.closed;
    peer.on('signal', (sig) => {
      if (current()) this.sendSignal(slot.id, { sid, sig });
    });
    peer.on('connect', () => {
      if (!current()) return;
      this.clearTimer(slot, 'connectTimer');
      slot.state = 'connected';
      slot.backoffMs = this.backoffInitialMs;
    });
    peer.on('data', (data) => {
      if (current()) this.onData(slot, data);
    });
    const lost = (): void => {
      if (current()) this.connectionLost(slot);
    };
    peer.on('close', lost);
    peer.on('error', lost);
    this.clearTimer(slot, 'connectTimer');
    slot.connectTimer = setTimeout(() => {
      slot.connectTimer = null;
      if (current() && slot.state !== 'connected') this.connectionLost(slot);
    }, this.connectTimeoutMs);
  }

  private connectionLost(slot: Slot): void {
    this.dropPeer(slot, 'backoff');
    const delay = slot.backoffMs;
    slot.backoffMs = Math.min(this.backoffMaxMs, slot.backoffMs * 2);
    this.clearTimer(slot, 'retryTimer');
    slot.retryTimer = setTimeout(() => {
      slot.retryTimer = null;
      if (this.closed || slot.state === 'connected' || slot.state === 'connecting') return;
      if (this.signalling && !this.signalling.roster.includes(slot.id)) {
        slot.state = 'waiting';
        return;
      }
      if (slot.initiator) this.dial(slot);
      else {
        slot.state = 'waiting';
        this.sendSignal(slot.id, { hello: true });
      }
    }, delay);
  }

  private dropPeer(slot: Slot, next: PeerConnectionState): void {
    this.clearTimer(slot, 'connectTimer');
    const peer = slot.peer;
    slot.peer = null;
    slot.state = next;
    slot.outbox = [];
    if (next !== 'connecting') slot.sid = null;
    if (peer) {
      try {
        peer.destroy();
      } catch {
        // Already torn down.
      }
    }
  }

  private clearTimer(slot: Slot, which: 'retryTimer' | 'connectTimer'): void {
    const t = slot[which];
    if (t !== null) clearTimeout(t);
    slot[which] = null;
  }

  // -------------------------------------------------------------------------------------------
  // Data
  // -------------------------------------------------------------------------------------------

  private bad(slot: Slot, type: string, detail: string): void {
    slot.badFrames++;
    this.counters.badFrames++;
    this.counters.badFramesByType[type] = (this.counters.badFramesByType[type] ?? 0) + 1;
    this.counters.lastBadFrame = `from ${slot.id}: ${detail}`;
  }

  /**
   * The decoders never throw by contract (and fuzzing says they keep it). Should one break it, the
   * frame is counted as 'DecoderFault' and dropped: an exception must not escape into
   * simple-peer's event handler, and a peer must not be able to make us stop counting.
   */
  private decodeSafely<T>(slot: Slot, decode: () => T): T | null {
    try {
      return decode();
    } catch (e) {
      this.bad(slot, 'DecoderFault', `the decoder threw ${(e as Error)?.name ?? 'a non-error'}: ${(e as Error)?.message ?? String(e)}`);
      return null;
    }
  }

  private onData(slot: Slot, data: unknown): void {
    slot.framesIn++;
    if (this.partition) return;
    const bytes = data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : null;
    if (bytes === null) {
      this.bad(slot, 'Unexpected', `a ${typeof data} where bytes were expected`);
      return;
    }
    if (bytes.length > 0 && bytes[0] === APP_FRAME_TAG) {
      const app = this.decodeSafely(slot, () => decodeAppFrame(bytes, this.maxFrameBytes));
      if (app === null) return;
      if (!app.ok) return this.bad(slot, 'AppFrame', app.reason);
      this.receiver?.app(slot.id, app.frame);
      return;
    }
    const decoded = this.decodeSafely(slot, () => decodeFrame(bytes, { maxFrameBytes: this.maxFrameBytes }));
    if (decoded === null) return;
    if (!decoded.ok) return this.bad(slot, decoded.error.type, describeFrameError(decoded.error));
    for (const m of decoded.messages) {
      if (m.from !== slot.id || m.to !== this.options.self) {
        return this.bad(slot, 'Spoofed', `a message from ${m.from} to ${m.to} on the channel with ${slot.id}`);
      }
    }
    this.receiver?.messages(slot.id, decoded.messages);
  }

  send(messages: readonly Message[]): void {
    for (const m of messages) {
      const slot = this.slots.get(m.to);
      if (!slot) continue;
      if (this.partition || slot.state !== 'connected') {
        slot.droppedOut++;
        continue;
      }
      slot.outbox.push(m);
    }
    this.scheduleFlush();
  }

  sendApp(to: string, frame: AppFrame): void {
    const slot = this.slots.get(to);
    if (!slot) return;
    if (this.partition || slot.state !== 'connected' || slot.peer === null) {
      slot.droppedOut++;
      return;
    }
    // Ahead of queued Raft frames is fine: forwards are independent of them.
    this.write(slot, encodeAppFrame(frame));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const slot of this.slots.values()) {
      if (slot.outbox.length === 0) continue;
      const batch = slot.outbox;
      slot.outbox = [];
      let frames: Uint8Array[];
      try {
        frames = encodeFrames(batch, { maxFrameBytes: this.maxFrameBytes });
      } catch {
        // A message too large for any frame: a configuration bug; drop rather than stall.
        slot.droppedOut += batch.length;
        continue;
      }
      for (const frame of frames) this.write(slot, frame);
    }
  }

  private write(slot: Slot, frame: Uint8Array): void {
    const peer = slot.peer;
    if (peer === null || slot.state !== 'connected') {
      slot.droppedOut++;
      return;
    }
    if ((peer.bufferSize ?? 0) > this.maxBufferedBytes) {
      slot.droppedOut++;
      return;
    }
    try {
      peer.send(frame);
      slot.framesOut++;
    } catch {
      slot.droppedOut++;
    }
  }

  /** For tests and fault injection: hands raw bytes to a peer's channel as they are. */
  sendRaw(to: string, bytes: Uint8Array): boolean {
    const slot = this.slots.get(to);
    if (!slot || slot.peer === null || slot.state !== 'connected') return false;
    slot.peer.send(bytes);
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // RaftTransport
  // -------------------------------------------------------------------------------------------

  setReceiver(receiver: TransportReceiver | null): void {
    this.receiver = receiver;
  }

  setPartitioned(partitioned: boolean): void {
    this.partition = partitioned;
    if (partitioned) for (const slot of this.slots.values()) slot.outbox = [];
  }

  get partitioned(): boolean {
    return this.partition;
  }

  peers(): PeerStatus[] {
    return [...this.slots.values()].map((s) => ({
      id: s.id, state: s.state, initiator: s.initiator, attempts: s.attempts, framesIn: s.framesIn, framesOut: s.framesOut,
      badFrames: s.badFrames, droppedOut: s.droppedOut,
    }));
  }

  /** True once every peer's channel is open. */
  allConnected(): boolean {
    return [...this.slots.values()].every((s) => s.state === 'connected');
  }

  /** Destroys every connection and timer. Idempotent. */
  close(): void {
    this.closed = true;
    this.detachSignalling();
    for (const slot of this.slots.values()) {
      this.clearTimer(slot, 'retryTimer');
      this.dropPeer(slot, 'closed');
    }
    this.receiver = null;
  }
}
