// Seeded faults on the mini-cluster (testing/chaos.ts): drops, duplicates, reordering, late
// acknowledgements, crashes that lose or tear unacknowledged writes, restarts. Core and go-raft
// stay safe and make progress once the faults stop; planted breaks are caught.

import { CoreProtocolNode } from './core-node';
import { ProcessDriver } from './process-node';
import { runChaos, StaleRead } from './testing/chaos';
import { buildGoRaft } from './testing/go-raft';
import { MiniClusterViolation } from './testing/mini-cluster';
import type { NodeOutput, ProtocolNode, StartInput, StepInput } from './types';

let goRaft: string;
beforeAll(() => {
  goRaft = buildGoRaft();
});

function withDriver<T>(command: string, run: (driver: ProcessDriver) => T): T {
  const driver = new ProcessDriver(command);
  try {
    return run(driver);
  } finally {
    driver.close();
  }
}

/** Elections as often as possible: short timeouts and no PreVote, so split votes happen. */
const STORMY = { preVote: false, checkQuorum: false, electionTimeoutTicks: 3 };

describe('core and go-raft under seeded faults', () => {
  test.each([[3, 1], [3, 2], [5, 3], [5, 4]])('core in process, %i nodes, seed %i', (size, seed) => {
    const r = runChaos({ factory: (id) => new CoreProtocolNode(id), size, seed });
    expect(r.crashes).toBeGreaterThan(0);
    expect(r.readsServed).toBeGreaterThan(5);
    expect(r.committed).toBeGreaterThan(50);
  });

  test.each([[3, 1], [5, 2]])('go-raft over stdio, %i nodes, seed %i', (size, seed) => {
    const r = withDriver(goRaft, (d) => runChaos({ factory: d.factory, size, seed }));
    expect(r.crashes).toBeGreaterThan(0);
    expect(r.readsServed).toBeGreaterThan(5);
    expect(r.committed).toBeGreaterThan(50);
  });

  test('go-raft -bug=vote-twice is caught (ElectionSafety) where the correct node passes', () => {
    const caughtAt = [1, 2, 3, 4, 5, 6].find((seed) => {
      try {
        withDriver(`${goRaft} -bug=vote-twice`, (d) => runChaos({ factory: d.factory, size: 5, seed, options: STORMY }));
        return false;
      } catch (e) {
        expect(e).toBeInstanceOf(MiniClusterViolation);
        expect((e as MiniClusterViolation).property).toBe('ElectionSafety');
        return true;
      }
    });
    expect(caughtAt).toBeDefined();
    withDriver(goRaft, (d) => runChaos({ factory: d.factory, size: 5, seed: caughtAt as number, options: STORMY }));
  });
});

/** Core, except that every node serves reads at once from what it has applied: no ReadIndex. */
class LocalReads implements ProtocolNode {
  private readonly inner: CoreProtocolNode;
  private applied = 0;
  constructor(readonly id: string) {
    this.inner = new CoreProtocolNode(id);
  }
  private seen(out: NodeOutput): NodeOutput {
    if (out.apply.length > 0) this.applied = out.apply[out.apply.length - 1].index;
    return out;
  }
  start(input: StartInput): NodeOutput {
    this.applied = input.type === 'Restart' ? (input.durable.snapshot?.index ?? 0) : 0;
    return this.seen(this.inner.start(input));
  }
  handle(input: StepInput): NodeOutput {
    if (input.type !== 'Read') return this.seen(this.inner.handle(input));
    const out = this.inner.handle({ type: 'Tick' }); // something for the view; the read itself is local
    return { ...this.seen(out), reads: [{ requestId: input.requestId, index: this.applied }], errors: [] };
  }
  kill(): void {
    this.inner.kill();
  }
}

test('reads served locally, without ReadIndex, are caught as stale', () => {
  // Thirty seeds: since core stopped sending redundant commit-only appends, followers learn the
  // commit index at other moments, and a stale local read needs the right interleaving.
  const stale = Array.from({ length: 30 }, (_, k) => k + 1).some((seed) => {
    try {
      runChaos({ factory: (id) => new LocalReads(id), size: 3, seed });
      return false;
    } catch (e) {
      if (e instanceof StaleRead) return true;
      throw e;
    }
  });
  expect(stale).toBe(true);
});
