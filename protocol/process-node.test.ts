import { join } from 'path';
import { CoreProtocolNode } from './core-node';
import { CheckedNode } from './conformance';
import { ExtraOutput, MalformedOutput, NodeExited, NodeFatal, NodeHang, ProtocolViolation, type NodeProtocolError } from './errors';
import { ProcessDriver } from './process-node';
import { runConformanceScenario } from './testing/conformance-scenario';
import { MINI_OPTIONS } from './testing/mini-cluster';
import type { InitInput } from './types';

const CORE_CMD = `node ${join(__dirname, 'bin', 'core-node.js')}`;
const MISBEHAVING = (mode: string) => `node ${join(__dirname, 'testing', 'misbehaving-node.js')} ${mode}`;
const init: InitInput = { type: 'Init', protocol: 1, id: 'n1', voters: ['n1', 'n2', 'n3'], seed: 5, options: MINI_OPTIONS };

describe('core over stdio (one process per node life)', () => {
  test('passes the conformance scenario and writes, line for line, what core in process writes', () => {
    const driver = new ProcessDriver(CORE_CMD);
    try {
      const overStdio = runConformanceScenario({ factory: driver.factory, seed: 3, transcript: true });
      const inProcess = runConformanceScenario({ factory: (id) => new CoreProtocolNode(id), seed: 3, transcript: true });
      expect(overStdio.cluster.transcript.length).toBeGreaterThan(400);
      expect(overStdio.cluster.transcript.length).toBe(inProcess.cluster.transcript.length);
      for (let k = 0; k < inProcess.cluster.transcript.length; k++) {
        if (overStdio.cluster.transcript[k] !== inProcess.cluster.transcript[k]) {
          throw new Error(`transcripts differ at line ${k + 1}:\n  stdio:      ${overStdio.cluster.transcript[k]}\n  in process: ${inProcess.cluster.transcript[k]}`);
        }
      }
      // The crash really killed a process and the restart started another from the durable state.
      expect(overStdio.cluster.transcript).toContain(`${overStdio.firstLeader} crash`);
      expect(overStdio.cluster.transcript.some((l) => l.startsWith(`${overStdio.firstLeader} < {"type":"Restart"`))).toBe(true);
    } finally {
      driver.close();
    }
  });
});

describe('a node that breaks the protocol gets a typed error naming the node, the input and the line', () => {
  let driver: ProcessDriver;
  afterEach(() => driver?.close());

  function failure(mode: string, stepTimeoutMs = 10_000): NodeProtocolError {
    driver = new ProcessDriver(MISBEHAVING(mode), { stepTimeoutMs });
    const node = new CheckedNode(driver.factory('n1'));
    try {
      node.start(init);
      for (let k = 0; k < 3; k++) node.handle({ type: 'Tick' });
    } catch (e) {
      return e as NodeProtocolError;
    }
    throw new Error(`mode ${mode}: no error`);
  }

  test('hang: NodeHang after the wall-clock limit, with its stderr', () => {
    const e = failure('hang', 1_500);
    expect(e).toBeInstanceOf(NodeHang);
    expect(e).toMatchObject({ node: 'n1', inputNumber: 2, inputLine: '{"type":"Tick"}', outputLine: null });
    expect(e.message).toMatch(/no output line within 1500 ms[\s\S]*thinking forever/);
  });

  test('exit: NodeExited with the exit code and the tail of stderr', () => {
    const e = failure('exit');
    expect(e).toBeInstanceOf(NodeExited);
    expect(e).toMatchObject({ node: 'n1', inputNumber: 2, exitCode: 3 });
    expect(e.message).toMatch(/exited \(code 3\)[\s\S]*boom: out of cheese/);
  });

  test('a command that does not exist: NodeExited at Init', () => {
    driver = new ProcessDriver('/nonexistent/raft-node --flag');
    const e = (() => {
      try {
        driver.factory('n1').start(init);
      } catch (err) {
        return err as NodeProtocolError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(NodeExited);
    expect(e).toMatchObject({ node: 'n1', inputNumber: 1, exitCode: 127 });
    expect(e.message).toMatch(/not found/);
  });

  test('malformed JSON: MalformedOutput quoting the line', () => {
    const e = failure('malformed');
    expect(e).toBeInstanceOf(MalformedOutput);
    expect(e).toMatchObject({ node: 'n1', inputNumber: 2, outputLine: '{"view": oops' });
  });

  test('schema break: ProtocolViolation naming the field', () => {
    const e = failure('schema');
    expect(e).toBeInstanceOf(ProtocolViolation);
    expect(e).toMatchObject({ field: 'view.term', inputNumber: 2 });
    expect(e.message).toMatch(/view\.term must be a non-negative integer, got -1/);
  });

  test('an unknown top-level field: ProtocolViolation', () => {
    expect(failure('unknown-field')).toMatchObject({ field: 'colour', kind: 'ProtocolViolation' });
  });

  test('two lines for one input: ExtraOutput, blamed on the input that got two answers', () => {
    const e = failure('extra');
    expect(e).toBeInstanceOf(ExtraOutput);
    expect(e).toMatchObject({ node: 'n1', inputNumber: 1 });
  });

  test('a second line written late is caught at the first exchange after it arrives', () => {
    driver = new ProcessDriver(MISBEHAVING('extra-late'));
    const node = driver.factory('n1');
    node.start(init);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500); // the stray line arrives meanwhile
    expect(() => node.handle({ type: 'Tick' })).toThrow(ExtraOutput);
  });

  test('a fatal line: NodeFatal with the reason', () => {
    const e = failure('fatal');
    expect(e).toBeInstanceOf(NodeFatal);
    expect(e.message).toMatch(/disk on fire/);
  });

  test('no hello, another protocol version, or a hello outside the start: ProtocolViolation', () => {
    expect(failure('nohello')).toMatchObject({ field: 'hello', inputNumber: 1 });
    expect(failure('version')).toMatchObject({ field: 'hello.protocol', inputNumber: 1 });
    expect(failure('hello-again')).toMatchObject({ field: 'hello', inputNumber: 2 });
  });

  test('a semantic break (a message from someone else): ProtocolViolation from the conformance rules', () => {
    expect(failure('wrong-sender')).toMatchObject({ field: 'messages[0].from', inputNumber: 2 });
  });

  test('after an error the process is gone: the node refuses further inputs', () => {
    driver = new ProcessDriver(MISBEHAVING('malformed'));
    const node = driver.factory('n1');
    node.start(init);
    expect(() => node.handle({ type: 'Tick' })).toThrow(MalformedOutput);
    expect(() => node.handle({ type: 'Tick' })).toThrow(/killed/);
  });
});
