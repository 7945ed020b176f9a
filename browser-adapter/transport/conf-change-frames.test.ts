// The membership frames a follower tab and the leader's tab exchange: well-formed ones round-trip,
// anything else is refused with a reason (the sender is untrusted), never thrown.

import { decodeAppFrame, encodeAppFrame, type AppFrame } from './app-frames';

const raw = (v: unknown): Uint8Array => encodeAppFrame(v as AppFrame);

test('conf-change and conf-change-result round-trip', () => {
  const frames: AppFrame[] = [
    { kind: 'conf-change', id: 1, changes: ['AddLearner:n4'], leaveJoint: null },
    { kind: 'conf-change', id: 2, changes: ['AddVoter:n5', 'RemoveNode:n1'], leaveJoint: 'explicit' },
    { kind: 'conf-change', id: 3, changes: [], leaveJoint: null },
    { kind: 'conf-change-result', id: 1, index: 42, error: null },
    { kind: 'conf-change-result', id: 2, index: null, error: 'ConfChangeRejected: ConfChangeInProgress' },
  ];
  for (const frame of frames) expect(decodeAppFrame(encodeAppFrame(frame))).toEqual({ ok: true, frame });
});

test.each([
  [{ kind: 'conf-change', id: 1, changes: ['Promote:n4'], leaveJoint: null }, /Kind:node/],
  [{ kind: 'conf-change', id: 1, changes: ['AddVoter:'], leaveJoint: null }, /Kind:node/],
  [{ kind: 'conf-change', id: 1, changes: ['AddVoter:n4'], leaveJoint: 'later' }, /leaveJoint/],
  [{ kind: 'conf-change', id: 1, changes: Array(65).fill('AddVoter:n4'), leaveJoint: null }, /0\.\.64/],
  [{ kind: 'conf-change', id: 1, changes: ['AddVoter:n4'], leaveJoint: null, extra: 1 }, /exactly/],
  [{ kind: 'conf-change-result', id: 1, index: 3, error: 'both' }, /either/],
  [{ kind: 'conf-change-result', id: 1, index: null, error: null }, /either/],
  [{ kind: 'conf-change-result', id: 1, index: 0, error: null }, /either/],
  [{ kind: 'conf-change-result', id: 1, index: null, error: 'x'.repeat(1025) }, /either/],
])('refuses %j', (frame, reason) => {
  const r = decodeAppFrame(raw(frame));
  expect(r.ok).toBe(false);
  expect(r.ok ? '' : r.reason).toMatch(reason);
});
