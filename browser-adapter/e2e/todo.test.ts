// The to-do demo (written only against createBrowserNode) in three headless Chromium tabs, driven
// through its DOM as a user would: add, toggle, edit, delete, clear completed; a reload; and the
// close of every tab, after which the list comes back from localStorage.
//
// Every wait polls a condition with a timeout; nothing sleeps for a fixed time.

import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { TabCluster } from '../harness/tab-cluster';

jest.setTimeout(120_000);

let cluster: TabCluster;
const consoleErrors: string[] = [];
const httpErrors: string[] = [];

beforeAll(async () => {
  cluster = await TabCluster.start({ page: 'todo.html', params: { tick: '25' }, onConsole: (id, text) => consoleErrors.push(`${id}: ${text}`) });
  cluster.context.on('response', (r) => {
    if (r.status() >= 400) httpErrors.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  await cluster.openAll();
});

afterAll(async () => {
  await cluster?.stop();
});

type Shown = { text: string; done: boolean }[];

/** The list as the tab shows it. */
async function shown(id: string): Promise<Shown> {
  return cluster.page(id).$$eval('#todo-list li', (items) =>
    items.map((li) => ({ text: li.querySelector('label')?.textContent ?? '', done: li.classList.contains('completed') })),
  );
}

/** Waits until the tab shows exactly `want`. */
async function waitShown(id: string, want: Shown, timeoutMs = 30_000): Promise<void> {
  for (let waitedMs = 0; ; waitedMs += 100) {
    const now = await shown(id);
    if (JSON.stringify(now) === JSON.stringify(want)) return;
    if (waitedMs > timeoutMs) throw new Error(`tab ${id} shows ${JSON.stringify(now)}, not ${JSON.stringify(want)}`);
    await cluster.page(id).waitForTimeout(100);
  }
}

async function add(id: string, text: string): Promise<void> {
  await cluster.page(id).fill('#new-todo', text);
  await cluster.page(id).press('#new-todo', 'Enter');
}

const row = (text: string): string => `#todo-list li:has(label:text-is("${text}"))`;

test('a to-do added in tab 1 appears in tabs 2 and 3; toggled in tab 2, it shows done everywhere', async () => {
  await add('n1', 'buy milk');
  await add('n1', 'write report');
  const two: Shown = [{ text: 'buy milk', done: false }, { text: 'write report', done: false }];
  for (const id of cluster.ids) await waitShown(id, two);
  await cluster.page('n2').click(`${row('buy milk')} .toggle`);
  const toggled: Shown = [{ text: 'buy milk', done: true }, { text: 'write report', done: false }];
  for (const id of cluster.ids) await waitShown(id, toggled);
  expect(await cluster.page('n3').textContent('#todo-count')).toBe('1 item left');
});

test('edit (double-click) in tab 3 and delete in tab 1 replicate; Clear completed removes done ones', async () => {
  await cluster.page('n3').dblclick(`${row('write report')} label`);
  await cluster.page('n3').fill('#todo-list .edit', 'write the report');
  await cluster.page('n3').press('#todo-list .edit', 'Enter');
  await add('n2', 'throw away');
  const edited: Shown = [{ text: 'buy milk', done: true }, { text: 'write the report', done: false }, { text: 'throw away', done: false }];
  for (const id of cluster.ids) await waitShown(id, edited);
  await cluster.page('n1').click(`${row('throw away')} .destroy`, { force: true });
  await cluster.page('n1').click('#clear-completed');
  for (const id of cluster.ids) await waitShown(id, [{ text: 'write the report', done: false }]);
  await add('n3', 'call mum');
  await cluster.page('n3').click(`${row('call mum')} .toggle`);
});

const finalList: Shown = [{ text: 'write the report', done: false }, { text: 'call mum', done: true }];

test('a reloaded tab shows the list again', async () => {
  for (const id of cluster.ids) await waitShown(id, finalList);
  await cluster.reload('n3');
  await waitShown('n3', finalList);
  await cluster.page('n3').waitForFunction(() => /peers · saved/.test(document.getElementById('node-status')?.textContent ?? ''), undefined, { timeout: 20_000 });
  const out = path.join(__dirname, 'out');
  await fs.mkdir(out, { recursive: true });
  await cluster.page('n3').setViewportSize({ width: 760, height: 560 });
  await cluster.page('n3').screenshot({ path: path.join(out, 'todo.png') });
});

test('after every tab closes, reopening them brings the list back (localStorage), and it still replicates', async () => {
  for (const id of cluster.ids) await cluster.close(id);
  await cluster.openAll();
  for (const id of cluster.ids) await waitShown(id, finalList);
  await add('n2', 'after reopen');
  for (const id of cluster.ids) await waitShown(id, [...finalList, { text: 'after reopen', done: false }]);
});

test('no tab logged an error or got an HTTP error', () => {
  expect(consoleErrors).toEqual([]);
  expect(httpErrors).toEqual([]);
});
