// An in-memory RaftTransport for fast tests: messages between nodes of one hub are delivered on
// a later macrotask (as a data channel would), in order, unless a node is partitioned.

import type { Message } from '../../core';
import type { AppFrame } from '../transport/app-frames';
import type { PeerStatus, RaftTransport, TransportReceiver } from '../transport/types';

export class LoopbackHub {
  readonly transports = new Map<string, LoopbackTransport>();

  transport(id: string): LoopbackTransport {
    const t = new LoopbackTransport(id, this);
    this.transports.set(id, t);
    return t;
  }

  deliver(from: string, to: string, deliverTo: (r: TransportReceiver) => void): void {
    setImmediate(() => {
      const source = this.transports.get(from);
      const target = this.transports.get(to);
      if (!source || !target || source.partitioned || target.partitioned || target.receiver === null) return;
      deliverTo(target.receiver);
    });
  }
}

export class LoopbackTransport implements RaftTransport {
  receiver: TransportReceiver | null = null;
  partitioned = false;

  constructor(readonly id: string, private readonly hub: LoopbackHub) {}

  send(messages: readonly Message[]): void {
    for (const m of messages) this.hub.deliver(this.id, m.to, (r) => r.messages(this.id, [m]));
  }

  sendApp(to: string, frame: AppFrame): void {
    this.hub.deliver(this.id, to, (r) => r.app(this.id, frame));
  }

  setReceiver(receiver: TransportReceiver | null): void {
    this.receiver = receiver;
  }

  setPartitioned(partitioned: boolean): void {
    this.partitioned = partitioned;
  }

  peers(): PeerStatus[] {
    return [...this.hub.transports.keys()].filter((id) => id !== this.id).map((id) => ({
      id, state: 'connected', initiator: this.id < id, attempts: 1, framesIn: 0, framesOut: 0, badFrames: 0, droppedOut: 0,
    }));
  }
}
