// The demo page as a user sees it: three headless Chromium tabs, driven only through the DOM
// (typing into the form, clicking the buttons, reading the status panel and the key-value table),
// never through window.raftbed. It checks that every control of the demo does what it says.
//
// Every wait polls a condition with a timeout; nothing sleeps for a fixed time.

import type { Page } from 'playwright-core';
import { TabCluster } from '../harness/tab-cluster';

jest.setTimeout(60_000);

let cluster: TabCluster;
const consoleErrors: string[] = [];
/** Every HTTP response of 400 or above any tab received (a missing favicon shows up here). */
const httpErrors: string[] = [];

beforeAll(async () => {
  cluster = await TabCluster.start({
    params: { tick: '25' },
    onConsole: (id, text) => consoleErrors.push(`${id}: ${text}`),
  });
  cluster.context.on('response', (r) => {
    if (r.status() >= 400) httpErrors.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  await cluster.openAll();
});

afterAll(async () => {
  await cluster?.stop();
});

/** The status panel as shown: first column (label) to second column (value). */
async function statusPanel(page: Page): Promise<Record<string, string>> {
  return page.$$eval('#status tbody tr', (rows) =>
    Object.fromEntries(rows.map((r) => [r.children[0]?.textContent ?? '', r.children[1]?.textContent ?? ''])),
  );
}

/** Waits until the tab's status panel satisfies `predicate` (evaluated in the page on the DOM). */
async function waitStatus(id: string, what: string, predicate: (status: Record<string, string>) => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = { left: timeoutMs };
  // Polled from Node: the predicate is a Node closure over the panel the page renders every 250 ms.
  for (;;) {
    const status = await statusPanel(cluster.page(id));
    if (predicate(status)) return;
    if (deadline.left <= 0) throw new Error(`tab ${id}: timed out waiting for ${what}; panel shows ${JSON.stringify(status)}`);
    await cluster.page(id).waitForTimeout(100);
    deadline.left -= 100;
  }
}

async function tabsShowingRole(role: string, ids: readonly string[] = cluster.ids): Promise<string[]> {
  const shown = await Promise.all(ids.map(async (id) => [id, (await statusPanel(cluster.page(id))).role] as const));
  return shown.filter(([, r]) => r === role).map(([id]) => id);
}

async function waitForOneLeader(ids: readonly string[], minTerm = 0): Promise<string> {
  for (let waitedMs = 0; ; waitedMs += 100) {
    const leaders = await tabsShowingRole('Leader', ids);
    if (leaders.length === 1 && Number((await statusPanel(cluster.page(leaders[0]))).term) > minTerm) return leaders[0];
    if (waitedMs > 20_000) throw new Error(`no single leader above term ${minTerm} among ${ids.join(', ')}: ${leaders.join(', ')}`);
    await cluster.page(ids[0]).waitForTimeout(100);
  }
}

/**
 * Types a key and value and presses Put; resolves with every text the result line showed from the
 * click to the outcome (a MutationObserver records them, so a short-lived one is not missed).
 */
async function putShowing(id: string, key: string, value: string): Promise<string[]> {
  const page = cluster.page(id);
  await page.fill('#key', key);
  await page.fill('#value', value);
  await page.evaluate(() => {
    const line = document.getElementById('op-result') as HTMLElement;
    const seen: string[] = [];
    (window as unknown as { resultLines: string[] }).resultLines = seen;
    new MutationObserver(() => seen.push(line.textContent ?? '')).observe(line, { childList: true, characterData: true, subtree: true });
  });
  await page.click('#put-form button[type=submit]');
  await page.waitForFunction(
    () => ((window as unknown as { resultLines: string[] }).resultLines.at(-1) ?? 'pending').includes('pending') === false,
    undefined, { timeout: 20_000, polling: 50 },
  );
  return page.evaluate(() => (window as unknown as { resultLines: string[] }).resultLines);
}

/** Puts through the form; resolves with the outcome the result line ends on. */
async function putThroughForm(id: string, key: string, value: string): Promise<string> {
  return (await putShowing(id, key, value)).at(-1) as string;
}

async function peerStates(id: string): Promise<string[]> {
  return cluster.page(id).$$eval('#peers tbody tr', (rows) => rows.map((r) => r.children[1]?.textContent ?? ''));
}

async function waitKvRow(id: string, key: string, value: string): Promise<void> {
  await cluster.page(id).waitForFunction(
    ([k, v]) => Array.from(document.querySelectorAll('#kv tbody tr')).some((r) => r.children[0]?.textContent === k && r.children[1]?.textContent === v),
    [key, value] as const,
    { timeout: 20_000, polling: 100 },
  );
}

let leader = '';

test('the status panel shows one leader, its term, and every peer connected', async () => {
  leader = await waitForOneLeader(cluster.ids);
  for (const id of cluster.ids) {
    await waitStatus(id, 'the leader to be known', (s) => s.leader === leader && s.state === 'running');
    // A leader can be elected before the last channel opens: wait for every peer to show connected.
    await cluster.page(id).waitForFunction(
      (want) => {
        const rows = Array.from(document.querySelectorAll('#peers tbody tr'));
        return rows.map((r) => r.children[0]?.textContent).sort().join(',') === want && rows.every((r) => r.children[1]?.textContent === 'connected');
      },
      cluster.ids.filter((p) => p !== id).sort().join(','),
      { timeout: 20_000, polling: 100 },
    );
    expect(await cluster.page(id).textContent('#who')).toBe(id);
  }
});

test('Put from a follower tab commits, and the key appears in every tab; Read answers through ReadIndex', async () => {
  const follower = cluster.ids.find((id) => id !== leader) as string;
  expect(await putThroughForm(follower, 'colour', 'blue')).toBe('put colour committed');
  for (const id of cluster.ids) await waitKvRow(id, 'colour', 'blue');
  const reader = cluster.ids.find((id) => id !== leader && id !== follower) as string;
  const page = cluster.page(reader);
  await page.fill('#key', 'colour');
  await page.click('#read');
  await page.waitForFunction(() => document.getElementById('op-result')?.textContent === 'colour = "blue"', undefined, { timeout: 20_000 });
});

test('a new write replaces the previous outcome with "pending" at once, and an empty key is refused, not read as null', async () => {
  const follower = cluster.ids.find((id) => id !== leader) as string;
  expect(await putShowing(follower, 'shape', 'round')).toEqual(['put shape: pending…', 'put shape committed']);
  // The second write's line never shows the first write's outcome.
  expect(await putShowing(follower, 'shape', 'square')).toEqual(['put shape: pending…', 'put shape committed']);
  const page = cluster.page(follower);
  await page.fill('#key', '');
  await page.click('#read');
  expect(await page.textContent('#op-result')).toBe('read: enter a key first');
  await page.click('#append');
  expect(await page.textContent('#op-result')).toBe('append: enter a key first');
});

test('Partition this tab deposes its leader; the other two elect one and commit; Heal brings it back', async () => {
  const oldLeader = leader;
  const oldTerm = Number((await statusPanel(cluster.page(oldLeader))).term);
  await cluster.page(oldLeader).click('#partition');
  await waitStatus(oldLeader, 'the partition to show', (s) => s.partitioned === 'yes');
  expect(await cluster.page(oldLeader).textContent('#partition')).toBe('Heal partition');
  // Its channels stay open but carry nothing, so it must not list its peers as connected.
  expect(await peerStates(oldLeader)).toEqual(['cut (partitioned)', 'cut (partitioned)']);
  const majority = cluster.ids.filter((id) => id !== oldLeader);
  leader = await waitForOneLeader(majority, oldTerm);
  // CheckQuorum: the cut-off leader notices it hears from nobody and steps down.
  await waitStatus(oldLeader, 'the cut-off leader to step down', (s) => s.role !== 'Leader');
  expect(await putThroughForm(majority.find((id) => id !== leader) as string, 'during', 'partition')).toBe('put during committed');
  await cluster.page(oldLeader).click('#partition');
  await waitStatus(oldLeader, 'the partition to heal', (s) => s.partitioned === 'no' && s.leader === leader && s.role === 'Follower');
  await waitKvRow(oldLeader, 'during', 'partition');
  expect(await peerStates(oldLeader)).toEqual(['connected', 'connected']);
});

test('Crash node stops the node; Restart node recovers it from storage and it catches up', async () => {
  const victim = cluster.ids.find((id) => id !== leader) as string;
  await cluster.page(victim).click('#crash');
  await waitStatus(victim, 'the node to stop', (s) => !s.state.startsWith('running'));
  const survivor = cluster.ids.find((id) => id !== leader && id !== victim) as string;
  expect(await putThroughForm(survivor, 'while', 'crashed')).toBe('put while committed');
  await cluster.page(victim).click('#restart');
  await waitStatus(victim, 'the node to run again', (s) => s.state === 'running');
  // It kept what it had durably (the earlier keys) and learns the write it missed.
  await waitKvRow(victim, 'colour', 'blue');
  await waitKvRow(victim, 'while', 'crashed');
});

test('a crashed leader shows no role (not a green "Leader"); restarted, it runs again', async () => {
  const page = cluster.page(leader);
  await page.click('#crash');
  await waitStatus(leader, 'the node to stop', (s) => s.state.startsWith('stopped'));
  const roleRow = await page.$eval('#status tbody tr:nth-child(2)', (r) => ({ cls: r.className, text: r.children[1]?.textContent }));
  expect(roleRow).toEqual({ cls: 'role-none', text: 'none (node stopped)' });
  await page.click('#restart');
  await waitStatus(leader, 'the node to run again', (s) => s.state === 'running' && s.role !== '');
});

test('no tab logged an error or got an HTTP error (no favicon 404)', () => {
  expect(consoleErrors).toEqual([]);
  expect(httpErrors).toEqual([]);
});
