// SnapshotTransfer: an InstallSnapshot transfer only moves forward, on both of its ends.
//
// A transfer is streamed in chunks, one in flight, resent on heartbeat; chunks and their answers
// are lost, duplicated and reordered, and a transfer can outlive a compaction, a leader or a
// membership change. A follower that lets a stale chunk restart its transfer, refuses a current
// leader's snapshot, or a leader that takes an answer about another snapshot for the one it is
// streaming, or resends a chunk on an answer that told it nothing new, breaks no safety property:
// the transfer only restarts or stalls for a while, and the leader's next compaction usually hides
// it. Mutation testing found exactly these surviving every sweep (docs/mutation.md, theme
// snapshot-transfer-windows). Judged on one step:
//
// At a follower handling a chunk of the leader of its term (HandleInstallSnapshotRequest):
//   forward        within one leader's term, the transfer it holds moves only forward: to a newer
//                  snapshot, or to more bytes of the same one (a duplicate or an overtaken chunk,
//                  chunk 0 of an older snapshot included, neither adds nor discards bytes).
//   takes-start    the first chunk of a snapshot it lacks starts (or continues) a transfer of that
//                  snapshot, unless the same leader already streams it a newer one: refusing a
//                  current leader's snapshot stalls the follower until the leader compacts again.
//   answer         the answer says installed exactly when the snapshot's entries are now committed
//                  here; otherwise it reports the bytes held of that snapshot (0 if none).
// At a leader handling an answer about a transfer under way (HandleInstallSnapshotResponse):
//   other-snapshot an answer about another snapshot than the one pinned for that follower belongs
//                  to an earlier transfer: it leaves the transfer as it was and sends no chunk.
//   nothing-new    an answer about the pinned snapshot that acknowledges no byte beyond those
//                  recorded (a duplicate, or one overtaken by a later answer) sends no chunk: the
//                  chunk after those bytes is already in flight, and the heartbeat resends it.
//
// It reads core's private state (the follower's assembly of chunks, the leader's pinned snapshot),
// so the simulator applies it to its in-process core only (sim/cluster/implementation.ts).
// O(messages of the step).

import type { Input, InstallSnapshotRequest, InstallSnapshotResponse, Message, RaftState, StepResult } from '../../core';
import { SafetyViolation } from '../../checkers/violation';

function fail(node: string, detail: string): never {
  throw new SafetyViolation('SnapshotTransfer', detail, node);
}

function chunksTo(messages: readonly Message[], to: string): number {
  let n = 0;
  for (let k = 0; k < messages.length; k++) if (messages[k].type === 'InstallSnapshotRequest' && messages[k].to === to) n++;
  return n;
}

/** Throws SafetyViolation('SnapshotTransfer') if one step moves a snapshot transfer backwards or sends a needless chunk. */
export function checkSnapshotTransfer(node: string, before: RaftState, input: Input, result: StepResult): void {
  if (input.type !== 'Receive') return;
  const m = input.message;
  if (m.type === 'InstallSnapshotRequest') checkFollowerSide(node, before, m, result);
  else if (m.type === 'InstallSnapshotResponse') checkLeaderSide(node, before, m, result);
}

function checkFollowerSide(node: string, before: RaftState, m: InstallSnapshotRequest, result: StepResult): void {
  const after = result.state;
  // Only a chunk of the leader of the node's term, handled (a stale one is answered by receive()).
  if (after.term !== m.term || !result.output.actions.includes('HandleInstallSnapshotRequest')) return;
  const was = before.incomingSnapshot;
  const now = after.incomingSnapshot;
  const what = `chunk [${m.offset}, +${m.data.length}) of snapshot ${m.lastIncludedIndex} (term ${m.term}) from ${m.from}`;
  if (was !== null && now !== null && was.term === now.term) {
    if (now.index < was.index || (now.index === was.index && now.data.length < was.data.length)) {
      fail(node, `${what} moved its transfer of term ${was.term} back from ${was.data.length} bytes of snapshot ${was.index} to ${now.data.length} bytes of snapshot ${now.index}`);
    }
  }
  const installed = after.commitIndex >= m.lastIncludedIndex;
  const holds = now !== null && now.term === m.term && now.index === m.lastIncludedIndex;
  if (m.offset === 0 && m.lastIncludedIndex > before.commitIndex && !installed && !holds) {
    const newer = was !== null && was.term === m.term && was.index > m.lastIncludedIndex;
    if (!newer) {
      const held = was === null ? 'no transfer' : `${was.data.length} bytes of snapshot ${was.index} from term ${was.term}`;
      fail(node, `${what} refused, holding ${held}: a current leader's snapshot it lacks must start a transfer`);
    }
  }
  const answer = result.output.messages.find(
    (r): r is InstallSnapshotResponse => r.type === 'InstallSnapshotResponse' && r.to === m.from && r.lastIncludedIndex === m.lastIncludedIndex && r.round === m.round,
  );
  // An answer held until the step's write is durable goes out later, with no step to judge it against.
  if (answer === undefined) return;
  if (answer.installed !== installed) {
    fail(node, `answered ${what} with installed=${answer.installed}, with commit index ${after.commitIndex}`);
  }
  const expected = holds ? now.data.length : 0;
  if (!installed && answer.bytesReceived !== expected) {
    fail(node, `answered ${what} with ${answer.bytesReceived} bytes received, holding ${expected} of that snapshot`);
  }
}

function checkLeaderSide(node: string, before: RaftState, m: InstallSnapshotResponse, result: StepResult): void {
  const after = result.state;
  if (before.role !== 'Leader' || after.role !== 'Leader' || before.term !== m.term || after.term !== m.term) return;
  const was = before.leader?.progress[m.from];
  if (was === undefined || was.mode !== 'Snapshot' || was.pinnedSnapshot === null) return;
  const pinned = was.pinnedSnapshot;
  const now = after.leader?.progress[m.from];
  const sent = chunksTo(result.output.messages, m.from);
  const what = `an answer from ${m.from} about snapshot ${m.lastIncludedIndex} (${m.installed ? 'installed' : `${m.bytesReceived} bytes`}, round ${m.round})`;
  if (m.lastIncludedIndex !== pinned.index) {
    const same = now !== undefined && now.mode === 'Snapshot' && now.pinnedSnapshot?.index === pinned.index && now.snapshotAckedBytes === was.snapshotAckedBytes;
    if (!same || sent > 0) {
      fail(node, `${what} changed its transfer of snapshot ${pinned.index} (${was.snapshotAckedBytes} bytes acknowledged; now ${now === undefined ? 'no progress' : `${now.mode}, snapshot ${now.pinnedSnapshot?.index ?? 'none'}, ${now.snapshotAckedBytes} bytes`}${sent > 0 ? `, ${sent} chunk(s) sent` : ''}): it belongs to an earlier transfer`);
    }
    return;
  }
  if (!m.installed && Math.min(m.bytesReceived, pinned.data.length) === was.snapshotAckedBytes && sent > 0) {
    fail(node, `${what} acknowledged no byte beyond the ${was.snapshotAckedBytes} recorded, yet it sent ${sent} chunk(s): the next one is already in flight`);
  }
}
