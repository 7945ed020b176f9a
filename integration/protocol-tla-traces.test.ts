// TLA+ trace validation of any implementation, from protocol outputs alone: the mini-cluster writes
// a raftbed trace from views, persist records, messages and actions (testing/protocol-trace.ts),
// and TLC decides whether it is a behaviour of tla/trace/TraceRaft.tla. Core and go-raft both pass;
// go-raft with -bug=vote-twice fails, and so does a trace with one view edited.
//
// The last test validates a simulator trace of go-raft: the simulator drives it through the
// protocol and records the same trace format as for core, so `raftbed tla validate` accepts it.
//
// This test imports tla/ from protocol/ (an upward arrow, in a test only): it shows the protocol
// carries what trace validation needs, ahead of the simulator's move to the protocol.

import { CoreProtocolNode } from '../protocol/core-node';
import { ProcessDriver } from '../protocol/process-node';
import { runConformanceScenario } from '../protocol/testing/conformance-scenario';
import { buildGoRaft } from '../protocol/testing/go-raft';
import { ProtocolTraceRecorder } from '../protocol/testing/protocol-trace';
import { splitVote } from '../protocol/testing/split-vote';
import type { ProtocolNodeFactory } from '../protocol/types';
import { validateTraceText } from '../tla/validate';
import { findTlcJar } from '../tla/tlc';
import { completeTrace, MemoryTrace } from '../trace/sink';
import { runSeed } from '../sim/run-seed';
import { makeSimConfig } from '../sim/config';

const NODES = ['n1', 'n2', 'n3'];
let jar: string;
let goRaft: string;

beforeAll(() => {
  jar = findTlcJar(); // throws with the how-to if TLC is not installed
  goRaft = buildGoRaft();
});

function withDriver<T>(command: string, run: (factory: ProtocolNodeFactory) => T): T {
  const driver = new ProcessDriver(command);
  try {
    return run(driver.factory);
  } finally {
    driver.close();
  }
}

function scenarioTrace(factory: ProtocolNodeFactory): string {
  const trace = new ProtocolTraceRecorder(NODES, 5);
  runConformanceScenario({ factory, seed: 5, trace }, 3);
  return trace.text();
}

describe('TLC validates traces written from protocol outputs', () => {
  test('core in process and go-raft over stdio: the conformance scenario (election, commits, reads, crash, restart)', async () => {
    const core = scenarioTrace((id) => new CoreProtocolNode(id));
    const go = withDriver(goRaft, scenarioTrace);
    const [coreResult, goResult] = await Promise.all([validateTraceText(core, { jar }), validateTraceText(go, { jar })]);
    expect([coreResult.verdict, coreResult.error]).toEqual(['pass', undefined]);
    expect([goResult.verdict, goResult.error]).toEqual(['pass', undefined]);
    expect(goResult.eventsMatched).toBeGreaterThan(300);
  }, 600_000);

  test('go-raft -bug=vote-twice fails validation where n3 votes a second time; the correct node passes the same script', async () => {
    const traced = (command: string) => {
      const trace = new ProtocolTraceRecorder(NODES, 4);
      withDriver(command, (factory) => splitVote({ factory, seed: 4, trace }));
      return trace.text();
    };
    const [buggy, correct] = await Promise.all([validateTraceText(traced(`${goRaft} -bug=vote-twice`), { jar }), validateTraceText(traced(goRaft), { jar })]);
    expect(correct.verdict).toBe('pass');
    expect(buggy.verdict).toBe('fail');
    // The first line no behaviour matches: n3 handles n2's request and records a vote for n2 in term 1, which already has n1's.
    expect(buggy.firstUnmatched?.content).toMatch(/"node":"n3","input":"Receive".*"from":"n2".*"vote":"n2"/);
  }, 600_000);

  test('a trace with one view edited fails', async () => {
    const text = withDriver(goRaft, scenarioTrace);
    // Drop the End line, edit, and seal again: TLC, not the hash check, must reject the edit.
    const lines = text.trimEnd().split('\n').slice(0, -1);
    const k = lines.findIndex((l) => l.includes('"ev":"Step"') && l.includes('"role":"Leader"'));
    lines[k] = lines[k].replace(/"commit":(\d+)/, (_, c: string) => `"commit":${Number(c) + 1}`);
    const result = await validateTraceText(completeTrace(lines), { jar });
    expect(result.verdict).toBe('fail');
    expect(result.firstUnmatched?.line).toBe(k + 1);
  }, 600_000);

  test('a simulator trace of go-raft (crashes, lost unsynced writes, restarts) is a behaviour of the spec; the same trace edited is not', async () => {
    const trace = new MemoryTrace(true);
    const config = makeSimConfig({ seed: 3, nodes: 3, durationMs: 1_500, faults: 'crashes', workload: { ...makeSimConfig().workload, clients: 2 }, implementation: { kind: 'command', command: goRaft } });
    const run = runSeed(config, { trace });
    expect(run.violation).toBeNull();
    expect(run.coverage.counts.restarts).toBeGreaterThan(0);
    const lines = trace.text.slice();
    const k = lines.findIndex((l) => l.includes('"ev":"Step"') && l.includes('"role":"Leader"'));
    lines[k] = lines[k].replace(/"commit":(\d+)/, (_, c: string) => `"commit":${Number(c) + 1}`);
    const [genuine, edited] = await Promise.all([validateTraceText(trace.ndjson(), { jar }), validateTraceText(completeTrace(lines), { jar })]);
    expect([genuine.verdict, genuine.error]).toEqual(['pass', undefined]);
    expect(genuine.eventsMatched).toBeGreaterThan(1_000);
    expect(edited.verdict).toBe('fail');
    expect(edited.firstUnmatched?.line).toBe(k + 1);
  }, 600_000);
});
