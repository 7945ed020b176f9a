// What BrowserRaftNode replicates: any application state machine, wrapped with client sessions.
//
// The node needs more than "apply a command": a write completes when this replica applies it, so
// each entry carries its client session and sequence number, and a retried write (forwarded twice
// to a leader that changed) must apply once. `sessioned(...)` adds that to any StateMachine; the
// key-value store (core's KvStateMachine, which has sessions of its own) is adapted by `kvMachine`.

import { KvStateMachine, decodeCommand, encodeCommand, type ApplyEntry, type KvOp } from '../../core';

/** An application state machine: deterministic, so every replica applying the same log agrees. */
export interface StateMachine<Command, Result> {
  /** Applies one committed command; `index` is its log index. Must not throw for valid commands. */
  apply(command: Command, index: number): Result;
  /** This state as a string (deterministic: equal states give equal strings). */
  snapshot(): string;
  /** Replaces this state with one `snapshot()` returned. */
  restore(snapshot: string): void;
}

/** Turns commands into log entry data and back. `decode` throws on data it does not accept. */
export interface CommandCodec<Command> {
  encode(command: Command): string;
  decode(data: string): Command;
}

/** One applied entry as the node sees it: whose write it was and what it returned. */
export interface AppliedCommand {
  readonly client: string;
  readonly seq: number;
  readonly result: unknown;
  /** The session had moved past this seq: the write's outcome is unknown to its client. */
  readonly stale: boolean;
}

/** One replica's application state plus sessions, as the node drives it. */
export interface ReplicaMachine {
  readonly lastApplied: number;
  /** Throws when the entry's data cannot be decoded (every replica then skips it alike). */
  apply(entry: ApplyEntry): AppliedCommand | null;
  snapshot(): string;
}

/** Makes replicas and speaks the entry format. */
export interface MachineKind {
  /** An empty replica (a node with no snapshot). */
  create(): ReplicaMachine;
  restore(snapshot: string): ReplicaMachine;
  /** Entry data for `command` from session `client`, write number `seq`. */
  encode(client: string, seq: number, command: unknown): string;
  /** Entry data that changes nothing (the node proposes it to wake a stuck follower). */
  noop(client: string, seq: number): string;
  /** Throws when `data` is not an entry this machine can apply. */
  validate(data: string): void;
  /** A short name of the command for traces. */
  describe(command: unknown): { kind: string; key: string };
}

/** The key-value store (put/get/cas/append) as a MachineKind. */
export class KvReplica implements ReplicaMachine {
  constructor(readonly kv: KvStateMachine) {}
  get lastApplied(): number {
    return this.kv.lastApplied;
  }
  apply(entry: ApplyEntry): AppliedCommand | null {
    const applied = this.kv.apply(entry);
    if (applied === null) return null;
    return { client: applied.command.client, seq: applied.command.seq, result: applied.result, stale: applied.result.kind === 'stale' };
  }
  snapshot(): string {
    return this.kv.snapshot();
  }
}

export const kvMachine: MachineKind = {
  create: () => new KvReplica(new KvStateMachine()),
  restore: (snapshot) => new KvReplica(KvStateMachine.restore(snapshot)),
  encode: (client, seq, command) => encodeCommand({ client, seq, op: command as KvOp }),
  noop: (client, seq) => encodeCommand({ client, seq, op: { kind: 'get', key: '' } }),
  validate: (data) => void decodeCommand(data),
  describe: (command) => ({ kind: (command as KvOp).kind, key: (command as KvOp).key }),
};

export class EntryDecodeError extends Error {
  override readonly name = 'EntryDecodeError';
}

/** Entry data of a sessioned machine: the command itself is encoded by the app's codec. */
interface SessionEntry {
  readonly client: string;
  readonly seq: number;
  /** The codec's encoding; absent for a no-op. */
  readonly command?: string;
}

function parseEntry(data: string): SessionEntry {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    throw new EntryDecodeError('entry is not JSON');
  }
  const o = raw as Partial<SessionEntry>;
  if (typeof o !== 'object' || o === null || typeof o.client !== 'string' || !Number.isSafeInteger(o.seq) || (o.command !== undefined && typeof o.command !== 'string')) {
    throw new EntryDecodeError('entry must be {client: string, seq: integer, command?: string}');
  }
  return o as SessionEntry;
}

interface Session {
  seq: number;
  result: unknown;
}

/**
 * Wraps an application state machine with sessions. All replicas of one tab share the one app
 * instance the caller gave: a new replica first restores it to the state it had when wrapped.
 */
export function sessioned<Command, Result>(app: StateMachine<Command, Result>, codec: CommandCodec<Command>): MachineKind {
  const initial = app.snapshot();
  const replica = (appSnapshot: string, appliedIndex: number, sessions: Map<string, Session>): ReplicaMachine => {
    app.restore(appSnapshot);
    let applied = appliedIndex;
    return {
      get lastApplied() {
        return applied;
      },
      apply(entry) {
        if (entry.index !== applied + 1) throw new Error(`apply out of order: index ${entry.index} after ${applied}`);
        applied = entry.index;
        if (entry.entry.type !== 'Normal') return null;
        const e = parseEntry(entry.entry.data);
        const session = sessions.get(e.client);
        if (session !== undefined && e.seq <= session.seq) {
          return { client: e.client, seq: e.seq, result: e.seq === session.seq ? session.result : undefined, stale: e.seq !== session.seq };
        }
        const result = e.command === undefined ? undefined : app.apply(codec.decode(e.command), entry.index);
        sessions.set(e.client, { seq: e.seq, result });
        return { client: e.client, seq: e.seq, result, stale: false };
      },
      snapshot() {
        const sorted = [...sessions.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return JSON.stringify({ appliedIndex: applied, app: app.snapshot(), sessions: sorted });
      },
    };
  };
  return {
    create: () => replica(initial, 0, new Map()),
    restore: (snapshot) => {
      let o: { appliedIndex?: unknown; app?: unknown; sessions?: unknown };
      try {
        o = JSON.parse(snapshot);
      } catch {
        throw new EntryDecodeError('snapshot is not JSON');
      }
      if (typeof o !== 'object' || o === null || !Number.isSafeInteger(o.appliedIndex) || typeof o.app !== 'string' || !Array.isArray(o.sessions)) {
        throw new EntryDecodeError('snapshot must be {appliedIndex, app: string, sessions: [client, {seq, result}][]}');
      }
      return replica(o.app, o.appliedIndex as number, new Map(o.sessions as [string, Session][]));
    },
    encode: (client, seq, command) => JSON.stringify({ client, seq, command: codec.encode(command as Command) }),
    noop: (client, seq) => JSON.stringify({ client, seq }),
    validate: (data) => {
      const e = parseEntry(data);
      if (e.command !== undefined) codec.decode(e.command);
    },
    describe: () => ({ kind: 'command', key: '' }),
  };
}
