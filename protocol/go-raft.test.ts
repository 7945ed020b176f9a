// The Go example against the protocol: the same conformance scenario core passes, on three and five
// nodes and several seeds, through the out-of-process driver and every conformance rule.

import { ProcessDriver } from './process-node';
import { runConformanceScenario } from './testing/conformance-scenario';
import { buildGoRaft } from './testing/go-raft';
import { MiniClusterViolation } from './testing/mini-cluster';
import { splitVote } from './testing/split-vote';

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
  function run(command: string) {
    const driver = new ProcessDriver(command);
    try {
      return splitVote({ factory: driver.factory, seed: 4 });
    } finally {
      driver.close();
    }
  }

  test('-bug=vote-twice: a voter grants two candidates of one term, and the run fails on ElectionSafety', () => {
    const { grants, error } = run(`${binary} -bug=vote-twice`);
    expect(grants).toEqual([true, true]);
    expect(error).toBeInstanceOf(MiniClusterViolation);
    expect((error as MiniClusterViolation).property).toBe('ElectionSafety');
  });

  test('without the bug, the same voter refuses the second candidate and one leader is elected', () => {
    const { grants, error } = run(binary);
    expect(grants).toEqual([true, false]);
    expect(error).toBeNull();
  });
});
