// A tab's exported trace ends with the End line every reader requires; an export that lost
// lines past the recorder's limit has none, so readers report it incomplete, not as a whole run.

import { parseTrace, TraceIncompleteError } from '../../trace/read';
import { browserRaftConfig } from './browser-config';
import { TraceRecorder } from './trace-recorder';

const config = browserRaftConfig({ clusterId: 'recorder-test', id: 'n1', voters: ['n1', 'n2', 'n3'], seed: 3 });
const restored = { incarnation: 0, term: 0, votedFor: null, snapshotIndex: 0, snapshotTerm: 0, entryTerms: [] };

function recorder(maxLines?: number): TraceRecorder {
  let now = 0;
  const r = new TraceRecorder({ now: () => (now += 1.5), maxLines }, config, restored);
  for (let op = 1; op <= 10; op++) {
    r.clientInvoke('c1', op, 'put', `k${op}`);
    r.clientComplete('c1', op, 'ok');
  }
  return r;
}

it('an export is a complete trace: header, every event, and the End line over them', async () => {
  const text = await recorder().ndjson();
  const parsed = parseTrace(text);
  expect(parsed.events).toHaveLength(20);
  expect(parsed.end.events).toBe(20);
  expect(parsed.header).toMatchObject({ source: 'browser', nodes: ['n1', 'n2', 'n3'] });
  // The same lines give the same bytes, End line included.
  expect(await recorder().ndjson()).toBe(text);
});

it('takes the lines when called: a line recorded while the hash is computed is not in the export', async () => {
  const r = recorder();
  const pending = r.ndjson();
  r.clientInvoke('c1', 99, 'get', 'late');
  expect(parseTrace(await pending).events).toHaveLength(20);
  expect(parseTrace(await r.ndjson()).events).toHaveLength(21);
});

it('an export that dropped lines past maxLines has no End line: every reader says it is incomplete', async () => {
  const r = recorder(8);
  expect(r.dropped).toBe(13);
  const text = await r.ndjson();
  expect(text.trimEnd().split('\n')).toHaveLength(8);
  expect(() => parseTrace(text)).toThrow(TraceIncompleteError);
});
