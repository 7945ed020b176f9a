// One node open in two tabs of one origin (the same localStorage). Before the Web Lock and the
// storage fence, the second tab ran the node too and overwrote the first one's acknowledged vote
// and log; the next reload was refused with MissingKey. Now the second tab must say so, write
// nothing at all, and after the first tab closes, a reload of the second must run the node with
// everything the first one made durable.
//
// Every wait polls a condition with a timeout; nothing sleeps for a fixed time.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { TabCluster } from '../harness/tab-cluster';
import { MemoryStore, RaftStorage } from '../storage';

jest.setTimeout(120_000);

const OUT_DIR = path.join(__dirname, 'out', `two-tabs-${new Date().toISOString().replace(/[:.]/g, '-')}`);
const NODE = 'n1';

let cluster: TabCluster;
const consoleErrors: string[] = [];

beforeAll(async () => {
  cluster = await TabCluster.start({
    params: { tick: '25' },
    onConsole: (id, text) => {
      if (!/favicon|Failed to load resource/.test(text)) consoleErrors.push(`${id}: ${text}`);
    },
  });
  await cluster.openAll();
});

afterAll(async () => {
  await cluster?.stop();
});

/** Every key and value of the tab's origin's localStorage. */
async function dump(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k) as string])));
}

/** The node's durable state as RaftStorage loads it from a dump of its origin's storage. */
function durableIn(storage: Record<string, string>) {
  const room = new URL(cluster.urls.get(NODE) as string).searchParams.get('cluster') as string;
  const store = new MemoryStore();
  for (const [k, v] of Object.entries(storage)) store.setItem(k, v);
  const loaded = new RaftStorage(store, { cluster: room, node: NODE }).load();
  if (!loaded.ok) throw loaded.error;
  return { state: loaded.state, lastSeq: loaded.lastSeq };
}

async function writeKeys(id: string, prefix: string, n: number): Promise<void> {
  await cluster.page(id).evaluate(async ({ prefix, n }) => {
    await Promise.all(Array.from({ length: n }, async (_, i) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await window.raftbed!.put(`${prefix}-${i}`, `v${i}`);
        } catch (e) {
          if (attempt >= 4) throw e;
        }
      }
    }));
  }, { prefix, n });
}

async function waitKeys(id: string, prefix: string, n: number): Promise<void> {
  await cluster.waitIn(id, `${n} keys ${prefix}-*`, ({ prefix, n }) => {
    const have = new Map(window.raftbed!.contents());
    return Array.from({ length: n }, (_, i) => have.get(`${prefix}-${i}`) === `v${i}`).every(Boolean);
  }, { prefix, n });
}

/**
 * Opens a second tab of NODE that counts every localStorage mutation its own document makes
 * (installed before any page script runs), and waits until it has started or refused to.
 */
async function openDuplicate(): Promise<Page> {
  const page = await cluster.context.newPage();
  page.on('pageerror', (e) => consoleErrors.push(`duplicate: pageerror: ${e.message}`));
  await page.addInitScript(() => {
    const w = window as unknown as { storageWrites: string[] };
    w.storageWrites = [];
    for (const method of ['setItem', 'removeItem', 'clear'] as const) {
      const original = Storage.prototype[method] as (...args: unknown[]) => unknown;
      Storage.prototype[method] = function (this: Storage, ...args: unknown[]) {
        w.storageWrites.push(`${method} ${String(args[0] ?? '')}`);
        return original.apply(this, args);
      } as never;
    }
  });
  await page.goto(cluster.urls.get(NODE) as string);
  await waitStarted(page);
  return page;
}

async function waitStarted(page: Page): Promise<void> {
  await page.waitForFunction(() => window.raftbed !== undefined || window.raftbedError !== undefined, undefined, { timeout: 20_000 });
}

async function expectRefused(page: Page): Promise<void> {
  const seen = await page.evaluate(() => ({
    api: window.raftbed !== undefined,
    errorName: window.raftbedErrorName ?? null,
    shown: document.getElementById('error')?.textContent ?? '',
    // simple-peer's bundled `debug` module clears its own 'debug' key when it loads (a no-op when
    // the key is absent); that is the page's third-party script, not raftbed, and touches no node data.
    writes: (window as unknown as { storageWrites: string[] }).storageWrites.filter((w) => w !== 'removeItem debug'),
  }));
  expect(seen).toEqual({
    api: false,
    errorName: 'NodeAlreadyOpen',
    shown: `${NODE}: this node is already open in another tab. Close that tab, then reload this one; this tab has not started the node and wrote nothing.`,
    writes: [],
  });
}

let duplicate: Page;

test('a second tab of a running node says it is already open, starts nothing and writes nothing', async () => {
  await writeKeys('n2', 'before', 40);
  for (const id of cluster.ids) await waitKeys(id, 'before', 40);

  duplicate = await openDuplicate();
  await expectRefused(duplicate);
  await fs.mkdir(OUT_DIR, { recursive: true });
  await duplicate.screenshot({ path: path.join(OUT_DIR, 'second-tab.png'), fullPage: true });

  // The first tab's node is untouched and keeps working with the cluster.
  await writeKeys(NODE, 'during', 20);
  for (const id of cluster.ids) await waitKeys(id, 'during', 20);
  expect(await cluster.page(NODE).evaluate(() => window.raftbed!.status().run)).toBe('running');
});

test('reloading the second tab while the first is open still writes nothing; the first tab\'s storage is byte for byte unchanged', async () => {
  // Stop the first tab's node (its page, and so its lock, stays) so its storage holds still.
  await cluster.page(NODE).evaluate(() => window.raftbed!.crash());
  const before = await dump(cluster.page(NODE));
  await duplicate.reload();
  await waitStarted(duplicate);
  await expectRefused(duplicate);
  expect(await dump(duplicate)).toEqual(before);
});

test('after the first tab closes, a reload of the second runs the node with all the first one made durable', async () => {
  const first = await dump(cluster.page(NODE));
  const expected = durableIn(first);
  expect(expected.state.votedFor === null && expected.state.term === 0).toBe(false);
  expect(expected.state.entries.length + (expected.state.snapshot?.index ?? 0)).toBeGreaterThanOrEqual(60);
  // Alone, the node cannot hear of any other term, so what it stores after starting is what it loaded.
  for (const id of cluster.ids) await cluster.close(id);

  await duplicate.reload();
  await waitStarted(duplicate);
  const started = await duplicate.evaluate(() => ({ error: window.raftbedError ?? null, run: window.raftbed?.status().run ?? null }));
  expect(started).toEqual({ error: null, run: 'running' });
  const after = await dump(duplicate);
  expect(durableIn(after)).toEqual(expected);
  // Only the fence moved on (and the page-load counter): no Raft key was lost or rewritten differently.
  const changed = Object.keys({ ...first, ...after }).filter((k) => first[k] !== after[k]).sort();
  expect(changed).toEqual([`raftbed-page/${new URL(cluster.urls.get(NODE) as string).searchParams.get('cluster')}/${NODE}/loads`, expect.stringMatching(/\/n1\/owner$/)]);
  expect(consoleErrors).toEqual([]);
});

test('a tab whose Web Lock is taken from it stops the node and can never write again', async () => {
  // Another page of the same origin (not a node page) steals the node's lock.
  const room = new URL(cluster.urls.get(NODE) as string).searchParams.get('cluster') as string;
  const thief = await cluster.context.newPage();
  await thief.goto(new URL('/healthz', cluster.urls.get(NODE) as string).toString());
  await thief.evaluate((name) => {
    void navigator.locks.request(name, { steal: true }, () => new Promise(() => undefined));
  }, `raftbed-node-${room}-${NODE}`);
  await duplicate.waitForFunction(() => window.raftbed!.status().run !== 'running', undefined, { timeout: 20_000 });
  const before = await dump(duplicate);
  const status = await duplicate.evaluate(() => window.raftbed!.status());
  expect([status.run, status.reason]).toEqual(['stopped', "this tab lost the node's Web Lock to another tab or window; reload to take the node back"]);
  // Restarting within the page finds the fence revoked: it refuses before writing anything.
  expect(await duplicate.evaluate(() => window.raftbed!.restart())).toBe(false);
  expect(await duplicate.evaluate(() => window.raftbed!.status().run)).toBe('fenced-out');
  expect(await dump(duplicate)).toEqual(before);
  await thief.close();
});
