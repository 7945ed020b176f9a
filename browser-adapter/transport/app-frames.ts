// Adapter frames: what the browser nodes say to each other that is not Raft: client forwarding (a
// follower tab hands its clients' commands to the leader, which proposes them), and membership
// changes asked of a tab that does not lead (the leader proposes them and answers with the outcome).
//
// They share the data channel with Raft frames (framing.ts). Byte 0 tells them apart: Raft frames
// start with FRAME_VERSION (1); adapter frames start with APP_FRAME_TAG, then UTF-8 JSON. Like
// decodeFrame, decoding never throws: the sender is untrusted.

import { describeUntrusted } from '../../core';
import { nestsDeeperThan } from './json-depth';

export const APP_FRAME_TAG = 0xa1;
/** The format nests 2 levels (the frame, its data list); a deeper value is refused before anything walks it. */
export const MAX_APP_FRAME_DEPTH = 2;
/** Commands per forward frame; a forward of more is split (see splitForward). */
export const MAX_FORWARD_COMMANDS = 4096;

export type AppFrame =
  /** Follower -> leader: propose these encoded KV commands, in this order. */
  | { readonly kind: 'forward'; readonly id: number; readonly data: readonly string[] }
  /** Leader (or ex-leader) -> follower: the forward was not proposed; retry at `leaderHint`. */
  | { readonly kind: 'forward-rejected'; readonly id: number; readonly reason: 'NotLeader' | 'Dropped'; readonly leaderHint: string | null }
  /** Follower -> leader: propose this membership change; `changes` as `Kind:node` (AddLearner:n4). */
  | { readonly kind: 'conf-change'; readonly id: number; readonly changes: readonly string[]; readonly leaveJoint: 'auto' | 'explicit' | null }
  /** Leader -> follower: the change committed at `index`, or failed with `error` (a ClientError message). */
  | { readonly kind: 'conf-change-result'; readonly id: number; readonly index: number | null; readonly error: string | null };

/** Most changes one conf-change frame carries. */
export const MAX_CONF_CHANGES = 64;
const CHANGE = /^(AddVoter|AddLearner|RemoveNode):[A-Za-z0-9_-]{1,64}$/;

export type AppDecodeResult = { readonly ok: true; readonly frame: AppFrame } | { readonly ok: false; readonly reason: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function encodeAppFrame(frame: AppFrame): Uint8Array {
  const json = encoder.encode(JSON.stringify(frame));
  const out = new Uint8Array(json.length + 1);
  out[0] = APP_FRAME_TAG;
  out.set(json, 1);
  return out;
}

export function isAppFrame(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === APP_FRAME_TAG;
}

const bad = (reason: string): AppDecodeResult => ({ ok: false, reason });

export function decodeAppFrame(bytes: Uint8Array, maxBytes = 1024 * 1024): AppDecodeResult {
  if (bytes.length > maxBytes) return bad(`app frame of ${bytes.length} bytes exceeds ${maxBytes}`);
  if (!isAppFrame(bytes)) return bad('not an app frame');
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(bytes.subarray(1)));
  } catch (e) {
    return bad(`app frame is not UTF-8 JSON: ${(e as Error).message}`);
  }
  if (nestsDeeperThan(raw, MAX_APP_FRAME_DEPTH)) return bad(`app frame nests deeper than ${MAX_APP_FRAME_DEPTH} levels`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('app frame must be a JSON object');
  const f = raw as Record<string, unknown>;
  if (!Number.isSafeInteger(f.id) || (f.id as number) < 0) return bad('app frame id must be a non-negative integer');
  switch (f.kind) {
    case 'forward': {
      if (Object.keys(f).length !== 3) return bad('forward has exactly kind, id and data');
      if (!Array.isArray(f.data) || f.data.length === 0 || f.data.length > MAX_FORWARD_COMMANDS) return bad(`forward.data must hold 1..${MAX_FORWARD_COMMANDS} commands`);
      if (!f.data.every((d) => typeof d === 'string')) return bad('forward.data must hold strings');
      return { ok: true, frame: { kind: 'forward', id: f.id as number, data: f.data as string[] } };
    }
    case 'forward-rejected': {
      if (Object.keys(f).length !== 4) return bad('forward-rejected has exactly kind, id, reason and leaderHint');
      if (f.reason !== 'NotLeader' && f.reason !== 'Dropped') return bad('forward-rejected.reason must be NotLeader or Dropped');
      if (f.leaderHint !== null && typeof f.leaderHint !== 'string') return bad('forward-rejected.leaderHint must be a string or null');
      return { ok: true, frame: { kind: 'forward-rejected', id: f.id as number, reason: f.reason, leaderHint: f.leaderHint as string | null } };
    }
    case 'conf-change': {
      if (Object.keys(f).length !== 4) return bad('conf-change has exactly kind, id, changes and leaveJoint');
      if (!Array.isArray(f.changes) || f.changes.length > MAX_CONF_CHANGES) return bad(`conf-change.changes must hold 0..${MAX_CONF_CHANGES} changes`);
      if (!f.changes.every((c) => typeof c === 'string' && CHANGE.test(c))) return bad('conf-change.changes must hold Kind:node strings (AddVoter, AddLearner, RemoveNode)');
      if (f.leaveJoint !== null && f.leaveJoint !== 'auto' && f.leaveJoint !== 'explicit') return bad('conf-change.leaveJoint must be auto, explicit or null');
      return { ok: true, frame: { kind: 'conf-change', id: f.id as number, changes: f.changes as string[], leaveJoint: f.leaveJoint } };
    }
    case 'conf-change-result': {
      if (Object.keys(f).length !== 4) return bad('conf-change-result has exactly kind, id, index and error');
      const indexOk = f.index === null || (Number.isSafeInteger(f.index) && (f.index as number) > 0);
      if (!indexOk || (f.error !== null && (typeof f.error !== 'string' || f.error.length > 1024)) || (f.index === null) === (f.error === null)) {
        return bad('conf-change-result needs either a positive index or an error string (at most 1024 characters)');
      }
      return { ok: true, frame: { kind: 'conf-change-result', id: f.id as number, index: f.index as number | null, error: f.error as string | null } };
    }
    default:
      return bad(`unknown app frame kind ${describeUntrusted(f.kind)}`);
  }
}

/** Splits commands into forward payloads of at most `maxBytes` UTF-16 units and MAX_FORWARD_COMMANDS each. */
export function splitForward(data: readonly string[], maxUnits: number): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let units = 0;
  for (const d of data) {
    if (current.length > 0 && (units + d.length > maxUnits || current.length >= MAX_FORWARD_COMMANDS)) {
      out.push(current);
      current = [];
      units = 0;
    }
    current.push(d);
    units += d.length + 3;
  }
  if (current.length > 0) out.push(current);
  return out;
}
