// Membership changes in five headless Chromium tabs (issue 12, item 5). Three tabs start as the
// voters; a fourth and a fifth join outside the configuration, are added as learners and promoted
// (the fifth through an explicit joint configuration), one voter is removed, the leader is
// crashed, and writes go on throughout. Membership changes are made as a user makes them: by
// choosing a node and pressing the buttons of the leader's tab (once of a follower's, which hands
// the change to the leader), and read back from the status panels. At the end no acknowledged write may be missing, and the tabs' exported traces, merged
// into one cluster trace, must pass sim's SafetyChecker (configuration invariants included) and
// TLC trace validation.
//
// Every wait polls a condition with a timeout; nothing sleeps for a fixed time. It lives in
// integration/ (not browser-adapter/e2e/) because it drives TLC: browser-adapter may not import tla/.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { TabCluster } from '../browser-adapter/harness/tab-cluster';
import { checkTraceSafety } from '../browser-adapter/trace-check';
import { mergeBrowserTraces } from '../browser-adapter/trace-merge';
import { checkMergedTraceSafety } from '../browser-adapter/merged-trace-safety';
import { validateTraceText } from '../tla/validate';

jest.setTimeout(90_000);

const IDS = ['n1', 'n2', 'n3', 'n4', 'n5'];
const FIRST_VOTERS = ['n1', 'n2', 'n3'];
/** Small, so the learners catch up through a snapshot and the merged check follows configurations across compactions. */
const SNAPSHOT_EVERY = 25;
const OUT_DIR = path.join(__dirname, '..', 'browser-adapter', 'e2e', 'out', `membership-${new Date().toISOString().replace(/[:.]/g, '-')}`);
/** Screenshots of the five tabs, for a person to look at (not compared by the test). */
const SHOT_DIR = process.env.RAFTBED_SHOT_DIR ?? OUT_DIR;

let cluster: TabCluster;
const consoleErrors: string[] = [];
/** Every exported trace of the run, in the order the incarnations ended. */
const traces: { id: string; text: string }[] = [];
/** Every key written and acknowledged, with its value. */
const acknowledged = new Map<string, string>();
/** Which nodes are voters now, as the test made them. */
let voters = [...FIRST_VOTERS];
let removed: string | null = null;
let leader = '';
let merged = '';

beforeAll(async () => {
  cluster = await TabCluster.start({
    ids: IDS, voters: FIRST_VOTERS, params: { tick: '25', snapshotEvery: String(SNAPSHOT_EVERY) },
    onConsole: (id, text) => {
      if (!/favicon|Failed to load resource/.test(text)) consoleErrors.push(`${id}: ${text}`);
    },
  });
  await Promise.all(FIRST_VOTERS.map((id) => cluster.open(id)));
});

afterAll(async () => {
  await cluster?.stop();
});

/** The status panels as shown: first column (label) to second column (value). */
async function panel(id: string): Promise<Record<string, string>> {
  return cluster.page(id).$$eval('#status tbody tr, #membership tbody tr', (rows) =>
    Object.fromEntries(rows.map((r) => [r.children[0]?.textContent ?? '', r.children[1]?.textContent ?? ''])),
  );
}

async function waitPanel(id: string, what: string, predicate: (p: Record<string, string>) => boolean, timeoutMs = 20_000): Promise<Record<string, string>> {
  for (let waitedMs = 0; ; waitedMs += 100) {
    const p = await panel(id);
    if (predicate(p)) return p;
    if (waitedMs > timeoutMs) throw new Error(`tab ${id}: timed out waiting for ${what}; panel shows ${JSON.stringify(p)}`);
    await cluster.page(id).waitForTimeout(100);
  }
}

const openIds = (): string[] => IDS.filter((id) => cluster.pages.has(id));

/** The one leader every running member tab names, once they agree. */
async function agreedLeader(among: readonly string[], minTerm = 0): Promise<string> {
  for (let waitedMs = 0; ; waitedMs += 100) {
    const panels = await Promise.all(among.map(async (id) => [id, await panel(id)] as const));
    const leaders = panels.filter(([, p]) => p.role === 'Leader' && Number(p.term) > minTerm).map(([id]) => id);
    if (leaders.length === 1 && panels.every(([, p]) => p.leader === leaders[0])) return leaders[0];
    if (waitedMs > 25_000) throw new Error(`no agreed leader above term ${minTerm} among ${among.join(', ')}: ${JSON.stringify(panels.map(([id, p]) => [id, p.role, p.term, p.leader]))}`);
    await cluster.page(among[0]).waitForTimeout(100);
  }
}

/**
 * Chooses `node` in a tab's membership form (the leader's by default; another hands the change to
 * the leader) and presses `button`; resolves with the result line's outcome (it fails the test
 * unless the change committed).
 */
async function pressMembership(button: '#add-learner' | '#promote' | '#remove' | '#leave-joint', node: string | null, explicitLeave = false, from = leader): Promise<string> {
  const page = cluster.page(from);
  if (node !== null) await page.selectOption('#member-node', node);
  await page.setChecked('#explicit-leave', explicitLeave);
  await page.waitForFunction((b) => !(document.querySelector(b) as HTMLButtonElement).disabled, button, { timeout: 10_000, polling: 50 });
  await page.click(button);
  await page.waitForFunction(() => !(document.getElementById('member-result')?.textContent ?? 'pending').includes('pending'), undefined, { timeout: 20_000, polling: 50 });
  const outcome = (await page.textContent('#member-result')) as string;
  expect(outcome).toMatch(/committed at index \d+$/);
  return outcome;
}

/** Writes keys from one tab (retried across leader changes) and records what was acknowledged. */
async function writeFrom(id: string, keys: readonly string[]): Promise<void> {
  for (const [k, v] of await cluster.putFrom(id, keys)) acknowledged.set(k, v);
}

const keys = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

async function waitAllVisible(id: string, timeoutMs = 20_000): Promise<void> {
  await cluster.waitContents(id, 'acknowledged', [...acknowledged.entries()], timeoutMs);
}

async function shoot(label: string): Promise<void> {
  await fs.mkdir(SHOT_DIR, { recursive: true });
  for (const id of openIds()) {
    const page: Page = cluster.page(id);
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.screenshot({ path: path.join(SHOT_DIR, `${label}-${id}.png`), fullPage: true });
  }
}

test('three voters elect a leader; every status panel shows the configuration; writes commit', async () => {
  leader = await agreedLeader(FIRST_VOTERS);
  for (const id of FIRST_VOTERS) {
    await waitPanel(id, 'the first configuration', (p) =>
      p.voters === 'n1, n2, n3' && p.learners === 'none' && p.joint === 'no' && p['this node is'] === 'a voter' && p['configuration entry'] === 'initial (from the URL)');
  }
  await writeFrom(FIRST_VOTERS.find((id) => id !== leader) as string, keys('three', 20));
  for (const id of FIRST_VOTERS) await waitAllVisible(id);
});

test('a fourth and a fifth tab open outside the configuration and wait: they neither campaign nor receive the log', async () => {
  await Promise.all(['n4', 'n5'].map((id) => cluster.open(id)));
  for (const id of ['n4', 'n5']) {
    await waitPanel(id, 'a tab outside the configuration', (p) => p['this node is'].startsWith('not a member yet') && p.voters === 'n1, n2, n3');
  }
  // While the three voters go on committing, the two waiting tabs stay at term 0 with nothing.
  await writeFrom(leader, keys('waiting', 10));
  for (const id of ['n4', 'n5']) {
    const p = await panel(id);
    expect({ role: p.role, term: p.term, commit: p['commit index'] }).toEqual({ role: 'Follower', term: '0', commit: '0' });
  }
  // The leader's tab offers to add n4 (not yet a member) and nothing else for it.
  const page = cluster.page(leader);
  await page.selectOption('#member-node', 'n4');
  await page.waitForFunction(() => ['add-learner', 'promote', 'remove', 'leave-joint'].map((b) => (document.getElementById(b) as HTMLButtonElement).disabled).join() === 'false,true,true,true', undefined, { timeout: 5000 });
});

test('n4 is added as a learner, catches up without voting, and is promoted to voter', async () => {
  await pressMembership('#add-learner', 'n4');
  await waitPanel('n4', 'n4 to learn it is a learner', (p) => p['this node is'].startsWith('a learner') && p.learners === 'n4');
  await waitAllVisible('n4');
  // The leader had compacted past what n4 lacked: it caught up through a snapshot, then the log.
  expect((await panel('n4')).snapshots).toMatch(/, [1-9]\d* installed$/);
  await writeFrom('n4', keys('learner', 10));
  // A learner gets no vote: the leader is unchanged and still the one n4 forwards to.
  expect((await panel('n4')).leader).toBe(leader);
  // Pressed in n4's own tab: it hands the change to the leader's tab and shows the outcome.
  await pressMembership('#promote', 'n4', false, 'n4');
  voters = ['n1', 'n2', 'n3', 'n4'];
  for (const id of voters) await waitPanel(id, 'n4 as a voter', (p) => p.voters === voters.join(', ') && p.learners === 'none');
  expect((await panel('n4'))['this node is']).toBe('a voter');
});

test('n5 is added, then promoted through a joint configuration left with "Leave joint"; a change during it is refused with its typed reason', async () => {
  await pressMembership('#add-learner', 'n5');
  await waitPanel('n5', 'n5 to learn it is a learner', (p) => p['this node is'].startsWith('a learner'));
  await pressMembership('#promote', 'n5', true);
  const joint = await waitPanel(leader, 'the joint configuration', (p) => p.joint.startsWith('yes'));
  expect(joint.joint).toBe('yes: also needs a majority of n1, n2, n3, n4 (press Leave joint)');
  expect(joint.voters).toBe('n1, n2, n3, n4, n5');
  await shoot('joint');
  // The leader's page offers only Leave joint while joint: core would refuse any other change.
  await cluster.page(leader).waitForFunction(() => ['add-learner', 'promote', 'remove', 'leave-joint'].map((b) => (document.getElementById(b) as HTMLButtonElement).disabled).join() === 'true,true,true,false', undefined, { timeout: 10_000 });
  // Writes commit in the joint configuration (majorities of both sides).
  await writeFrom(leader, keys('joint', 10));
  // A second change while joint is refused by core, and the page says why.
  const refused = await cluster.page(leader).evaluate(() => window.raftbed!.changeMembership([{ kind: 'RemoveNode', node: 'n2' }]).then(() => 'accepted', (e: Error) => e.message));
  expect(refused).toBe('ConfChangeRejected: ConfChangeInProgress');
  await pressMembership('#leave-joint', null);
  voters = [...IDS];
  for (const id of openIds()) await waitPanel(id, 'five voters, not joint', (p) => p.voters === voters.join(', ') && p.joint === 'no' && p['configuration entry'].endsWith(', committed'));
  for (const id of openIds()) await waitAllVisible(id);
});

test('a voter is removed: its tab says so, and it does not disrupt the cluster', async () => {
  removed = FIRST_VOTERS.find((id) => id !== leader) as string;
  const termBefore = (await panel(leader)).term;
  await pressMembership('#remove', removed);
  voters = IDS.filter((id) => id !== removed);
  for (const id of openIds()) await waitPanel(id, `${removed} gone from the voters`, (p) => p.voters === voters.join(', '));
  await waitPanel(removed, 'the removed tab to say so', (p) => p['this node is'] === 'not a member');
  await writeFrom(voters.find((id) => id !== leader) as string, keys('after-removal', 10));
  // The removed node never campaigns: the leader and its term are as before.
  const now = await panel(leader);
  expect({ role: now.role, term: now.term }).toEqual({ role: 'Leader', term: termBefore });
  await shoot('five-tabs');
});

test('the leader crashes: the remaining voters elect another, writes go on, and no acknowledged write is lost', async () => {
  const crashed = leader;
  const oldTerm = Number((await panel(crashed)).term);
  await cluster.page(crashed).click('#crash');
  // Stopped, the node sends nothing more: its trace is complete from here.
  traces.push({ id: crashed, text: await cluster.page(crashed).evaluate(() => window.raftbed!.exportTrace()) });
  const survivors = voters.filter((id) => id !== crashed);
  // Writes start while the cluster has no leader; they complete once one is elected.
  const during = writeFrom(survivors[0], keys('leaderless', 10));
  leader = await agreedLeader(survivors, oldTerm);
  await during;
  await writeFrom(survivors[survivors.length - 1], keys('new-leader', 10));
  await cluster.page(crashed).click('#restart');
  await waitPanel(crashed, 'the restarted node to follow the new leader', (p) => p.state === 'running' && p.leader === leader && p.role === 'Follower');
  await writeFrom(crashed, keys('restarted', 10));
  for (const id of voters) await waitAllVisible(id);
  // And through ReadIndex on every voter: the values a client was told are committed.
  for (const id of voters) {
    const read = await cluster.page(id).evaluate(async (ks) => Promise.all(ks.map((k) => window.raftbed!.get(k))), [...acknowledged.keys()]);
    expect(read).toEqual([...acknowledged.values()]);
  }
  expect(acknowledged.size).toBe(90);
  await shoot('after-crash');
});

test('the merged traces pass the per-tab checks and sim\'s SafetyChecker, configuration invariants included', async () => {
  // Stop every node before exporting any trace, so no trace misses a message another one received.
  for (const id of openIds()) {
    const text = await cluster.page(id).evaluate(() => {
      window.raftbed!.crash();
      return window.raftbed!.exportTrace();
    });
    traces.push({ id, text });
  }
  await fs.mkdir(OUT_DIR, { recursive: true });
  const seen = new Map<string, number>();
  const inputs = traces.map(({ id, text }) => {
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    return { name: `${id}-${n}.ndjson`, text };
  });
  for (const { name, text } of inputs) await fs.writeFile(path.join(OUT_DIR, name), text);
  expect(checkTraceSafety(traces.map((t) => t.text)).violations).toEqual([]);
  const result = mergeBrowserTraces(inputs);
  merged = result.text;
  await fs.writeFile(path.join(OUT_DIR, 'cluster.merged.ndjson'), merged);
  expect(result.stats.crashes).toBe(1);
  const header = JSON.parse(merged.slice(0, merged.indexOf('\n')));
  expect({ nodes: header.nodes, initialConfig: header.initialConfig }).toEqual({ nodes: IDS, initialConfig: { voters: FIRST_VOTERS, learners: [] } });
  // The trace carries the five configuration entries (add n4, promote n4, add n5, joint, leave, remove n-).
  const configEntries = merged.split('\n').filter((l) => l.includes('"ev":"Persist"') && l.includes('"config"') && l.includes(`"node":"${leader}"`));
  expect(configEntries.length).toBeGreaterThanOrEqual(1);
  const invariants = checkMergedTraceSafety(merged);
  expect(invariants.violation).toBeNull();
  expect(invariants.stats.highestCommitted).toBeGreaterThanOrEqual(acknowledged.size);
  expect(consoleErrors).toEqual([]);
}, 120_000);

// TLC trace validation of the run with its configuration changes: the removed tab, which never
// learns that its removal committed, may pre-vote (MayCampaign in RaftReconfig.tla, as core does).
test('TLC: the merged trace, with its configuration changes, is a behaviour of TraceRaft', async () => {
  expect(merged).not.toBe('');
  const tlc = await validateTraceText(merged, { timeoutMs: 300_000 });
  expect({ verdict: tlc.verdict, firstUnmatched: tlc.firstUnmatched, error: tlc.error }).toEqual({ verdict: 'pass', firstUnmatched: undefined, error: undefined });
  expect(tlc.eventsMatched).toBe(tlc.eventsTotal);
}, 360_000);
