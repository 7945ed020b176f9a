// What the node needs from a transport, so BrowserRaftNode runs over WebRTC in a page and over
// an in-memory loopback in unit tests alike.

import type { Message } from '../../core';
import type { AppFrame } from './app-frames';

export type PeerConnectionState = 'waiting' | 'connecting' | 'connected' | 'backoff' | 'closed';

export interface PeerStatus {
  readonly id: string;
  readonly state: PeerConnectionState;
  /** This node makes the offer to that peer (the smaller id does). */
  readonly initiator: boolean;
  /** Connection attempts so far, the first included. */
  readonly attempts: number;
  readonly framesIn: number;
  readonly framesOut: number;
  /** Frames from this peer that failed validation and were dropped. */
  readonly badFrames: number;
  /** Outgoing messages dropped: no open channel, a partition, or a full send buffer. */
  readonly droppedOut: number;
}

export interface TransportReceiver {
  messages(from: string, messages: readonly import('../../core').Message[]): void;
  app(from: string, frame: AppFrame): void;
}

export interface RaftTransport {
  /** Queues messages; they leave together at the end of the current task. Never throws. */
  send(messages: readonly Message[]): void;
  sendApp(to: string, frame: AppFrame): void;
  setReceiver(receiver: TransportReceiver | null): void;
  peers(): PeerStatus[];
  /** While true, every frame to or from a peer is dropped (the demo's partition switch). */
  setPartitioned(partitioned: boolean): void;
  readonly partitioned: boolean;
}
