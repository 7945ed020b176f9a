// The replicated key-value state machine shared by sim and the browser demo, with client sessions
// for exactly-once semantics (dissertation §6.3): each client numbers its commands, and a command
// whose number the session has already seen returns the recorded result instead of running twice.

import type { ApplyEntry, Entry } from './types';

export type KvOp =
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string }
  | { readonly kind: 'append'; readonly key: string; readonly value: string };

export type KvResult =
  | { readonly kind: 'ok' }
  | { readonly kind: 'value'; readonly value: string | null }
  | { readonly kind: 'cas'; readonly ok: boolean }
  /** The session already moved past this sequence number: the client broke its own protocol. */
  | { readonly kind: 'stale' };

export interface KvCommand {
  readonly client: string;
  readonly seq: number;
  readonly op: KvOp;
}

export interface KvApplied {
  readonly index: number;
  readonly command: KvCommand;
  readonly result: KvResult;
  /** True when the session recognised a retry and did not run it again. */
  readonly duplicate: boolean;
}

export class KvDecodeError extends Error {
  override readonly name = 'KvDecodeError';
}

export function encodeCommand(command: KvCommand): string {
  return JSON.stringify(command);
}

function need(condition: boolean, what: string): asserts condition {
  if (!condition) throw new KvDecodeError(what);
}

export function decodeCommand(data: string): KvCommand {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    throw new KvDecodeError(`command is not JSON: ${data.slice(0, 80)}`);
  }
  need(typeof raw === 'object' && raw !== null, 'command must be an object');
  const c = raw as Record<string, unknown>;
  need(typeof c.client === 'string', 'command.client must be a string');
  need(typeof c.seq === 'number' && Number.isSafeInteger(c.seq) && c.seq > 0, 'command.seq must be a positive integer');
  need(typeof c.op === 'object' && c.op !== null, 'command.op must be an object');
  const op = c.op as Record<string, unknown>;
  need(typeof op.key === 'string', 'op.key must be a string');
  switch (op.kind) {
    case 'get':
      break;
    case 'put':
    case 'append':
      need(typeof op.value === 'string', `${op.kind}.value must be a string`);
      break;
    case 'cas':
      need(typeof op.value === 'string', 'cas.value must be a string');
      need(op.expected === null || typeof op.expected === 'string', 'cas.expected must be a string or null');
      break;
    default:
      throw new KvDecodeError(`unknown op kind ${JSON.stringify(op.kind)}`);
  }
  return c as unknown as KvCommand;
}

/**
 * Decoded commands, by entry. Within one process every replica applies the very same Entry object
 * (the simulator passes entries by reference from the leader's log to each follower's), so each
 * command is parsed and validated once instead of once per replica. Keyed weakly: an entry that
 * nobody holds any more takes its command with it. The commands are frozen because replicas now
 * share them. A command that fails to decode is not cached, so it fails again, the same way.
 */
const decodedByEntry = new WeakMap<Entry, KvCommand>();

function commandOf(entry: Entry): KvCommand {
  let command = decodedByEntry.get(entry);
  if (command === undefined) {
    command = decodeCommand(entry.data);
    Object.freeze(command.op);
    decodedByEntry.set(entry, Object.freeze(command));
  }
  return command;
}

interface Session {
  seq: number;
  result: KvResult;
}

export class KvStateMachine {
  private readonly data = new Map<string, string>();
  private readonly sessions = new Map<string, Session>();
  private appliedIndex = 0;

  get lastApplied(): number {
    return this.appliedIndex;
  }

  /** Reads for ReadIndex: the caller has waited until `lastApplied` reached the read index. */
  read(key: string): string | null {
    return this.data.get(key) ?? null;
  }

  /** Applies one committed entry. No-ops and config entries only advance the applied index. */
  apply(applied: ApplyEntry): KvApplied | null {
    if (applied.index !== this.appliedIndex + 1) {
      throw new Error(`apply out of order: index ${applied.index} after ${this.appliedIndex}`);
    }
    this.appliedIndex = applied.index;
    if (applied.entry.type !== 'Normal') return null;
    const command = commandOf(applied.entry);
    const session = this.sessions.get(command.client);
    if (session !== undefined && command.seq <= session.seq) {
      const result: KvResult = command.seq === session.seq ? session.result : { kind: 'stale' };
      return { index: applied.index, command, result, duplicate: true };
    }
    const result = this.execute(command.op);
    this.sessions.set(command.client, { seq: command.seq, result });
    return { index: applied.index, command, result, duplicate: false };
  }

  private execute(op: KvOp): KvResult {
    const current = this.data.get(op.key) ?? null;
    switch (op.kind) {
      case 'get':
        return { kind: 'value', value: current };
      case 'put':
        this.data.set(op.key, op.value);
        return { kind: 'ok' };
      case 'append':
        this.data.set(op.key, (current ?? '') + op.value);
        return { kind: 'ok' };
      case 'cas':
        if (current !== op.expected) return { kind: 'cas', ok: false };
        this.data.set(op.key, op.value);
        return { kind: 'cas', ok: true };
    }
  }

  /** A deterministic encoding: keys sorted, so equal states give equal snapshots byte for byte. */
  snapshot(): string {
    const data = [...this.data.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const sessions = [...this.sessions.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify({ appliedIndex: this.appliedIndex, data, sessions });
  }

  static restore(snapshot: string): KvStateMachine {
    let raw: unknown;
    try {
      raw = JSON.parse(snapshot);
    } catch {
      throw new KvDecodeError('snapshot is not JSON');
    }
    const o = raw as { appliedIndex?: unknown; data?: unknown; sessions?: unknown };
    need(typeof o === 'object' && o !== null, 'snapshot must be an object');
    need(typeof o.appliedIndex === 'number' && Number.isSafeInteger(o.appliedIndex) && o.appliedIndex >= 0, 'snapshot.appliedIndex must be an index');
    need(Array.isArray(o.data) && Array.isArray(o.sessions), 'snapshot.data and snapshot.sessions must be arrays');
    const kv = new KvStateMachine();
    kv.appliedIndex = o.appliedIndex;
    for (const pair of o.data as unknown[]) {
      need(Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string', 'snapshot.data holds [key, value] strings');
      kv.data.set(pair[0], pair[1]);
    }
    for (const pair of o.sessions as unknown[]) {
      need(Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'object' && pair[1] !== null, 'snapshot.sessions holds [client, session]');
      kv.sessions.set(pair[0], pair[1] as Session);
    }
    return kv;
  }

  /** For checkers comparing replicas: the contents, without sessions. */
  contents(): ReadonlyMap<string, string> {
    return this.data;
  }
}
