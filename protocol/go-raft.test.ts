// The Go example against the protocol: the same conformance scenario core passes, on three and five
// nodes and several seeds, through the out-of-process driver and every conformance rule.

import { ProcessDriver } from './process-node';
import { runConformanceScenario } from './testing/conformance-scenario';
import { buildGoRaft } from './testing/go-raft';
import { MiniCluster, MiniClusterViolation } from './testing/mini-cluster';

let binary: string;
beforeAll(() => {
  binary = buildGoRaft();
});

describe('go-raft speaks the protocol', () => {
  test.each([
    [3, 1, true],
    [3, 2, false],
    [5, 3, true],
  ])('conformance scenario: %i nodes, seed %i, preVote and checkQuorum %s', (size, seed, features) => {
    const driver = new ProcessDriver(binary);
    try {
      const result = runConformanceScenario({ factory: driver.factory, size, seed, options: { preVote: features, checkQuorum: features } });
      for (const id of result.cluster.ids) expect(result.cluster.appliedData(id)).toEqual(result.committed);
      expect(result.secondLeader).not.toBe(result.firstLeader);
    } finally {
      driver.close();
    }
  });

  test('one seed gives one transcript, byte for byte', () => {
    const transcripts = [1, 2].map(() => {
      const driver = new ProcessDriver(binary);
      try {
        return runConformanceScenario({ factory: driver.factory, seed: 9, transcript: true }).cluster.transcript.join('\n');
      } finally {
        driver.close();
      }
    });
    expect(transcripts[0].length).toBeGreaterThan(10_000);
    expect(transcripts[1]).toBe(transcripts[0]);
  });

  test('refuses a protocol version it does not speak, with a fatal line', () => {
    const driver = new ProcessDriver(binary);
    try {
      const node = driver.factory('n1');
      expect(() => node.start({ type: 'Init', protocol: 2, id: 'n1', voters: ['n1'], seed: 1, options: { electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, preVote: true, checkQuorum: true } }))
        .toThrow(/NodeFatal|fatal error: protocol version 2 is not supported/);
    } finally {
      driver.close();
    }
  });
});

describe('go-raft with a planted bug', () => {
  /**
   * n1 and n2 each time out into term 1 before hearing anything (only they are ticked), and both
   * ask n3. A correct n3 grants the first and refuses the second; with -bug=vote-twice it grants
   * both, both reach a quorum, and the mini-cluster's ElectionSafety check stops the run.
   */
  function splitVote(command: string): { grants: boolean[]; error: unknown } {
    const driver = new ProcessDriver(command);
    const cluster = new MiniCluster({ factory: driver.factory, size: 3, seed: 4, options: { preVote: false, checkQuorum: false } }).start();
    const take = (from: string, to: string, type: string) => {
      const k = cluster.queue.findIndex((m) => m.from === from && m.to === to && m.type === type);
      if (k < 0) throw new Error(`no ${type} from ${from} to ${to} queued`);
      return cluster.queue.splice(k, 1)[0];
    };
    try {
      for (const id of ['n1', 'n2']) {
        for (let t = 0; cluster.node(id).output?.view.role !== 'Candidate'; t++) {
          if (t > 100) throw new Error(`${id} never campaigned`);
          cluster.input(id, { type: 'Tick' });
        }
      }
      expect([cluster.node('n1').output?.view.term, cluster.node('n2').output?.view.term]).toEqual([1, 1]);
      for (const id of ['n1', 'n2']) cluster.input('n3', { type: 'Receive', message: take(id, 'n3', 'RequestVoteRequest') });
      const responses = ['n1', 'n2'].map((id) => take('n3', id, 'RequestVoteResponse'));
      const grants = responses.map((m) => m.type === 'RequestVoteResponse' && m.granted);
      try {
        for (const m of responses) cluster.input(m.to, { type: 'Receive', message: m });
      } catch (e) {
        return { grants, error: e };
      }
      return { grants, error: null };
    } finally {
      cluster.stop();
      driver.close();
    }
  }

  test('-bug=vote-twice: a voter grants two candidates of one term, and the run fails on ElectionSafety', () => {
    const { grants, error } = splitVote(`${binary} -bug=vote-twice`);
    expect(grants).toEqual([true, true]);
    expect(error).toBeInstanceOf(MiniClusterViolation);
    expect((error as MiniClusterViolation).property).toBe('ElectionSafety');
  });

  test('without the bug, the same voter refuses the second candidate and one leader is elected', () => {
    const { grants, error } = splitVote(binary);
    expect(grants).toEqual([true, false]);
    expect(error).toBeNull();
  });
});
