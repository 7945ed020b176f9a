// The viewer in real headless Chromium: lanes, arrows, the violation and TLC markers, the
// click-through node state, filters, and a 100,000-event trace. Expected values come from the
// trace itself (read with the trace reader), never from the page's own model.

import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../browser-adapter/harness/chromium';
import { parseTrace, type ParsedTrace } from '../trace/read';
import { TRACE_FORMAT } from '../trace/format';
import { completeTrace } from '../trace/sink';
import { main } from '../cli/main';
import type { CliIo } from '../cli/io';
import { renderTraceHtml, buildModel, TlaReportError } from '../viewer/index';

const SEED_11 = join(__dirname, '..', 'traces', 'seed-11-all.ndjson');
type Ev = Record<string, any>;

const dir = mkdtempSync(join(tmpdir(), 'raftbed-viewer-'));
let browser: Browser;

function quietIo(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false };
}

function writePage(name: string, trace: ParsedTrace, options = {}): string {
  const file = join(dir, name);
  writeFileSync(file, renderTraceHtml(trace, options));
  return file;
}

/** Opens a page and fails on any script error or any request that is not the file itself. */
async function open(file: string, hash = ''): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file://')) problems.push(`network request: ${r.url()}`);
  });
  await page.goto(`file://${file}${hash}`);
  await page.waitForSelector('#timeline[data-rendered="1"]', { timeout: 60_000 });
  return { page, problems };
}

const dataset = (page: Page) => page.evaluate(() => ({ ...(document.getElementById('timeline') as HTMLElement).dataset }));
/** Waits a frame so a redraw requested by an interaction has happened. */
const frame = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the model', () => {
  const trace = parseTrace(readFileSync(SEED_11, 'utf8'));
  const events = trace.events as Ev[];

  it('matches every Receive step to a send, and every drop', () => {
    const m = buildModel(trace);
    const receives = events.filter((e) => e.ev === 'Step' && e.input === 'Receive').length;
    const delivered = m.msgs.status.filter((s) => s === 0).length;
    expect(delivered).toBe(receives);
    expect(m.msgs.status.filter((s) => s === 1).length).toBe(events.filter((e) => e.ev === 'Drop').length);
    expect(m.msgs.dup.filter((d) => d === 1).length).toBe(events.filter((e) => e.ev === 'Duplicate').length);
    // A delivery never precedes its send, and reaches the node the message names.
    for (let k = 0; k < m.msgs.sendI.length; k++) {
      if (m.msgs.status[k] !== 0) continue;
      expect(m.msgs.endI[k]).toBeGreaterThan(m.msgs.sendI[k]);
      expect(m.nodes[m.msgs.to[k]]).toBe(events[m.msgs.endI[k] - 1].node);
    }
    expect(m.down.length).toBe(events.filter((e) => e.ev === 'Crash').length);
    expect(m.clientOps.length).toBe(events.filter((e) => e.ev === 'ClientInvoke').length);
  });

  it('shades the partitions that leader-relative faults make, with the nodes the trace says they cut', async () => {
    // A membership run with divergent-configuration episodes: isolateLeader and leaderSplit name
    // their nodes only in the trace, where the driver resolved them.
    const file = join(dir, 'membership-10.ndjson');
    const io = quietIo();
    expect(await main(['run', '--seed', '10', '--faults', 'membership', '--nodes', '5', '--initial-voters', '4', '--trace', file], io)).toBe(0);
    const run = parseTrace(readFileSync(file, 'utf8'));
    const m = buildModel(run);
    const ix = (n: string) => run.header.nodes.indexOf(n);
    const shadedAt = (i: number) => m.partitions.find((p) => p[4] === i);
    const faults = (run.events as Ev[]).map((e, k) => ({ e, i: k + 1 })).filter(({ e }) => e.ev === 'Fault');
    const isolations = faults.filter(({ e }) => e.fault.kind === 'isolateLeader' && typeof e.fault.leader === 'string');
    const splits = faults.filter(({ e }) => e.fault.kind === 'leaderSplit' && Array.isArray(e.fault.a) && e.fault.b.length > 0);
    const lostVoters = faults.filter(({ e }) => e.fault.kind === 'leaderSplit' && typeof e.fault.lost === 'string');
    expect(isolations.length + splits.length + lostVoters.length).toBeGreaterThan(2);
    for (const { e, i } of isolations) expect(shadedAt(i)?.[3]).toEqual([ix(e.fault.leader)]);
    for (const { e, i } of splits) {
      const cut = (e.fault.a.includes(e.fault.leader) ? e.fault.b : e.fault.a) as string[];
      expect(shadedAt(i)?.[3]).toEqual(cut.map(ix));
    }
    for (const { e, i } of lostVoters) expect(shadedAt(i)?.[3]).toContain(ix(e.fault.lost));
  }, 120_000);

  it('refuses a TLA report naming a line the trace does not have, or quoting a line it does not have', () => {
    expect(() => buildModel(trace, { firstUnmatched: { line: trace.lines.length + 5 } })).toThrow(TlaReportError);
    expect(() => buildModel(trace, { firstUnmatched: { line: 10, content: trace.lines[10].replace('"t":', '"t": ') } })).toThrow(/another trace/);
    expect(buildModel(trace, { firstUnmatched: { line: 10, content: trace.lines[9] } }).tla).toMatchObject({ i: 9, t: (trace.events[8] as Ev).t });
  });

  it('writes a page that loads nothing from elsewhere', () => {
    const html = renderTraceHtml(trace);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toContain('/*DATA*/');
  });
});

describe('in Chromium', () => {
  const trace = parseTrace(readFileSync(SEED_11, 'utf8'));
  const events = trace.events as Ev[];

  it('draws one lane per node and every message as an arrow', async () => {
    const { page, problems } = await open(writePage('s11.html', trace));
    const lanes = await page.$$eval('.lane-label[data-node]', (els) => els.map((e) => (e as HTMLElement).dataset.node));
    expect(lanes).toEqual(trace.header.nodes);
    const d = await dataset(page);
    // Every copy is drawn: each Send, each Duplicate's extra copy, and each Drop (at send time).
    expect(Number(d.arrowsDrawn)).toBe(events.filter((e) => e.ev === 'Send' || e.ev === 'Duplicate' || e.ev === 'Drop').length);
    expect(Number(d.dropsDrawn)).toBe(events.filter((e) => e.ev === 'Drop').length);
    expect(Number(d.opsDrawn)).toBe(events.filter((e) => e.ev === 'ClientInvoke').length);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the clicked node state: role, term, vote, commit, durable log terms and held messages', async () => {
    const { page, problems } = await open(writePage('s11-click.html', trace));
    // The last step of n1: by then its log is durable, so the folded log must agree with the view.
    const step = [...events].reverse().find((e) => e.ev === 'Step' && e.node === 'n1') as Ev;
    await page.evaluate((w) => (window as any).raftbedViewer.setRange(w.t - 3, w.t + 3), { t: step.t });
    await frame(page);
    const pt = await page.evaluate((i) => (window as any).raftbedViewer.eventPoint(i), step.i);
    expect(pt).not.toBeNull();
    await page.mouse.click(pt.x, pt.y);
    await page.waitForSelector('#state-panel:not([hidden])');
    const panel = await page.evaluate(() => {
      const p = document.getElementById('state-panel') as HTMLElement;
      const field = (f: string) => p.querySelector(`tr[data-field="${f}"] td:last-child`)?.textContent;
      const log = document.getElementById('log-terms') as HTMLElement;
      return {
        node: p.dataset.node, i: Number(p.dataset.eventIndex), role: field('role'), term: field('term'), vote: field('vote'), commit: field('commit'),
        terms: log.dataset.terms === '' ? [] : (log.dataset.terms as string).split(',').map(Number), snapshotIndex: Number(log.dataset.snapshotIndex),
        held: Number((document.getElementById('held-list') as HTMLElement).dataset.count),
      };
    });
    expect(panel.node).toBe('n1');
    expect(panel.i).toBe(step.i);
    expect(panel.role).toBe(step.state.role);
    expect(panel.term).toBe(String(step.state.term));
    expect(panel.vote).toBe(step.state.vote ?? 'none');
    expect(panel.commit).toBe(String(step.state.commit));
    expect(panel.snapshotIndex + panel.terms.length).toBe(step.state.lastIndex);
    expect(panel.terms[panel.terms.length - 1]).toBe(step.state.lastTerm);
    // Held: sent to n1 by this event and not yet received, counted from the raw lines (a Drop
    // line stands instead of a Send, so it never holds anything).
    const open1 = new Map<string, number>();
    for (const e of events) {
      if (e.i > step.i) break;
      const key = JSON.stringify(e.msg);
      if ((e.ev === 'Send' || e.ev === 'Duplicate') && e.msg.to === 'n1') open1.set(key, (open1.get(key) ?? 0) + 1);
      if (e.ev === 'Step' && e.input === 'Receive' && e.msg.to === 'n1' && open1.get(key)) open1.set(key, open1.get(key)! - 1);
      // A crash takes what was in flight to the node with it (the simulator delivers to no one).
      if (e.ev === 'Crash' && e.node === 'n1') open1.clear();
    }
    expect(panel.held).toBe([...open1.values()].reduce((a, b) => a + b, 0));
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens at view.html#event-N (the linearizability report\'s links): event N selected, zoomed to, its state panel shown', async () => {
    const file = writePage('s11-hash.html', trace);
    // A node step in the middle of the run, on its node's lane.
    const step = events.filter((e) => e.ev === 'Step' && e.node === 'n3')[40];
    const { page, problems } = await open(file, `#event-${step.i}`);
    await page.waitForSelector('#state-panel:not([hidden])', { timeout: 10_000 });
    const shown = () => page.evaluate(() => {
      const p = document.getElementById('state-panel') as HTMLElement;
      const field = (f: string) => p.querySelector(`tr[data-field="${f}"] td:last-child`)?.textContent;
      return { node: p.dataset.node, i: Number(p.dataset.eventIndex), requested: Number(p.dataset.requestedEvent), role: field('role'), term: field('term'), commit: field('commit'), note: document.getElementById('event-note')?.textContent ?? null, view: (window as any).raftbedViewer.view() };
    });
    let panel = await shown();
    expect(panel).toMatchObject({ node: 'n3', i: step.i, requested: step.i, role: step.state.role, term: String(step.state.term), commit: String(step.state.commit), note: null });
    // Zoomed around the event: it is inside a window much shorter than the run.
    expect(panel.view.a).toBeLessThan(step.t);
    expect(panel.view.b).toBeGreaterThan(step.t);
    expect(panel.view.b - panel.view.a).toBeLessThan((events[events.length - 1].t - events[0].t) / 20);
    await frame(page);
    expect(await page.evaluate((i) => (window as any).raftbedViewer.eventPoint(i), step.i)).not.toBeNull();

    // A client's invocation is not a node step: the next node step is shown, and the panel says so.
    const invoke = events.find((e) => e.ev === 'ClientInvoke' && e.i > step.i) as Ev;
    const next = events.find((e) => e.ev === 'Step' && e.i > invoke.i) as Ev;
    await page.evaluate((h) => { window.location.hash = h; }, `#event-${invoke.i}`);
    await page.waitForFunction((i) => (document.getElementById('state-panel') as HTMLElement).dataset.requestedEvent === String(i), invoke.i);
    panel = await shown();
    expect(panel).toMatchObject({ node: next.node, i: next.i, requested: invoke.i, note: `event ${invoke.i} is not a node step; the next node step is event ${next.i}` });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('folds the durable log through truncation, a crash that loses a record, and a snapshot', async () => {
    const view = (term: number, role: string, lastIndex: number, lastTerm: number, snapshotIndex: number) => ({ term, role, vote: null, lastIndex, lastTerm, commit: 0, snapshotIndex });
    const lines = [
      { type: 'header', format: TRACE_FORMAT, source: 'sim', seed: 0, version: 'x', commit: 'x', nodes: ['n1', 'n2'], profile: 'none', config: {}, faultPlan: {} },
      { i: 1, t: 1, ev: 'Persist', node: 'n1', seq: 1, term: 1, appendFrom: 1, entryTerms: [1, 1] },
      { i: 2, t: 2, ev: 'Persist', node: 'n1', seq: 2, appendFrom: 3, entryTerms: [2] },
      { i: 3, t: 3, ev: 'Step', node: 'n1', input: 'Tick', actions: [], state: view(2, 'Follower', 3, 2, 0) },
      { i: 4, t: 4, ev: 'Crash', node: 'n1', lostRecords: 1, torn: false },
      { i: 5, t: 9, ev: 'Restart', node: 'n1', state: view(1, 'Follower', 2, 1, 0) },
      { i: 6, t: 10, ev: 'Persist', node: 'n1', seq: 3, term: 3, truncateFrom: 2, appendFrom: 2, entryTerms: [3, 3] },
      { i: 7, t: 11, ev: 'Persist', node: 'n1', seq: 4, snapshotIndex: 1, snapshotTerm: 1 },
      { i: 8, t: 12, ev: 'Step', node: 'n1', input: 'Tick', actions: [], state: view(3, 'Follower', 3, 3, 1) },
    ];
    const crafted = parseTrace(completeTrace(lines.map((l) => JSON.stringify(l))));
    const { page, problems } = await open(writePage('fold.html', crafted));
    const logAt = async (i: number) => {
      expect(await page.evaluate((k) => (window as any).raftbedViewer.selectEvent(k), i)).toBe(true);
      return page.evaluate(() => {
        const log = document.getElementById('log-terms') as HTMLElement;
        return { terms: log.dataset.terms, snapshotIndex: Number(log.dataset.snapshotIndex) };
      });
    };
    expect(await logAt(3)).toEqual({ terms: '1,1,2', snapshotIndex: 0 });
    // The crash lost record 2 (entry 3), so after the restart the log is [1, 1].
    expect(await logAt(5)).toEqual({ terms: '1,1', snapshotIndex: 0 });
    expect(await logAt(8)).toEqual({ terms: '3,3', snapshotIndex: 1 });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('zooms with the wheel around the pointer and pans with a drag', async () => {
    const { page } = await open(writePage('s11-zoom.html', trace));
    const span = async () => {
      const d = await dataset(page);
      return { from: Number(d.viewFrom), to: Number(d.viewTo) };
    };
    const before = await span();
    const b = (await (await page.$('#timeline'))!.boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + 150);
    await page.mouse.wheel(0, -600);
    await frame(page);
    const zoomed = await span();
    expect(zoomed.to - zoomed.from).toBeLessThan((before.to - before.from) / 2);
    expect(zoomed.from).toBeGreaterThan(before.from);
    await page.mouse.move(b.x + b.width / 2, b.y + 150);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2 - 200, b.y + 150, { steps: 5 });
    await page.mouse.up();
    await frame(page);
    const panned = await span();
    expect(panned.from).toBeGreaterThan(zoomed.from);
    expect(panned.to - panned.from).toBeCloseTo(zoomed.to - zoomed.from, 6);
    await page.close();
  });

  it('filters hide a node lane and its arrows, a message type, and time outside the range', async () => {
    const { page } = await open(writePage('s11-filter.html', trace));
    const all = Number((await dataset(page)).arrowsDrawn);
    await page.click('#node-filter input[data-node="n2"]');
    await frame(page);
    expect(await page.$$eval('.lane-label[data-node]', (els) => els.map((e) => (e as HTMLElement).dataset.node))).toEqual(['n1', 'n3']);
    const withoutN2 = Number((await dataset(page)).arrowsDrawn);
    const touchingN2 = events.filter((e) => (e.ev === 'Send' || e.ev === 'Duplicate' || e.ev === 'Drop') && (e.msg.from === 'n2' || e.msg.to === 'n2')).length;
    expect(withoutN2).toBe(all - touchingN2);
    await page.click('#node-filter input[data-node="n2"]');
    await page.click('#type-filter input[data-type="AppendEntriesRequest"]');
    await frame(page);
    const withoutAer = Number((await dataset(page)).arrowsDrawn);
    const aer = events.filter((e) => (e.ev === 'Send' || e.ev === 'Duplicate' || e.ev === 'Drop') && e.msg.type === 'AppendEntriesRequest').length;
    expect(aer).toBeGreaterThan(0);
    expect(withoutAer).toBe(all - aer);
    await page.click('#type-filter input[data-type="AppendEntriesRequest"]');
    await page.fill('#range-from', '0');
    await page.fill('#range-to', '100');
    await page.click('#range-apply');
    await frame(page);
    const d = await dataset(page);
    expect([Number(d.viewFrom), Number(d.viewTo)]).toEqual([0, 100]);
    expect(Number(d.arrowsDrawn)).toBeLessThan(all);
    await page.close();
  });

  it('marks the violation at its event, and the first event TLC could not match', async () => {
    const file = join(dir, 'bug.ndjson');
    // A planted bug that breaks a safety property on this seed (`raftbed bugs --only double-count-vote`
    // reports the first seed that fails; any failing seed serves).
    const code = await main(['run', '--seed', '17', '--bug', 'double-count-vote', '--duration', '6000', '--trace', file], quietIo());
    expect(code).toBe(1);
    const bug = parseTrace(readFileSync(file, 'utf8'));
    const violation = (bug.events as Ev[]).find((e) => e.ev === 'Violation') as Ev;
    expect(violation).toBeDefined();
    const unmatched = (bug.events as Ev[]).filter((e) => e.ev === 'Step')[40];
    const { page, problems } = await open(writePage('bug.html', bug, { tlaReport: { verdict: 'fail', firstUnmatched: { line: unmatched.i + 1, disagreeingFields: ['commit'] } } }));
    const marks = await page.evaluate(() => {
      const box = (id: string) => {
        const el = document.getElementById(id) as HTMLElement;
        return { i: Number(el.dataset.eventIndex), t: Number(el.dataset.t), left: el.getBoundingClientRect().left, text: el.textContent, hidden: el.hidden };
      };
      return { v: box('violation-marker'), tla: box('tla-marker') };
    });
    expect(marks.v).toMatchObject({ i: violation.i, t: violation.t, hidden: false });
    expect(marks.v.text).toContain(violation.property);
    expect(marks.tla).toMatchObject({ i: unmatched.i, t: unmatched.t, hidden: false });
    // Positioned where the event is drawn: the same x as a step at the same virtual time.
    const sameTime = (bug.events as Ev[]).filter((e) => e.ev === 'Step' && e.t === violation.t).pop() as Ev;
    const pv = await page.evaluate((i) => (window as any).raftbedViewer.eventPoint(i), sameTime.i);
    expect(Math.abs(marks.v.left - pv.x)).toBeLessThan(2);
    const pt = await page.evaluate((i) => (window as any).raftbedViewer.eventPoint(i), unmatched.i);
    expect(Math.abs(marks.tla.left - pt.x)).toBeLessThan(2);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('loads and renders a 100,000-event trace', async () => {
    const file = join(dir, 'big.ndjson');
    expect(await main(['run', '--seed', '42', '--duration', '22000', '--trace', file], quietIo())).toBe(0);
    const out = join(dir, 'big.html');
    const io = quietIo();
    expect(await main(['view', file, '-o', out], io)).toBe(0);
    const big = parseTrace(readFileSync(file, 'utf8'));
    expect(big.events.length).toBeGreaterThanOrEqual(100_000);
    const { page, problems } = await open(out);
    const d = await dataset(page);
    expect(d.lanes).toBe(String(big.header.nodes.length));
    expect(Number(d.arrowsDrawn)).toBeGreaterThan(1000);
    expect(Number(d.arrowsVisible)).toBe(big.events.filter((e) => e.ev === 'Send' || e.ev === 'Duplicate' || e.ev === 'Drop').length);
    expect(problems).toEqual([]);
    await page.close();
  }, 600_000);
});

describe('raftbed view', () => {
  it('writes TRACE.html by default and refuses a malformed trace with a typed error', async () => {
    const file = join(dir, 'copy.ndjson');
    writeFileSync(file, readFileSync(SEED_11));
    expect(await main(['view', file], quietIo())).toBe(0);
    expect(readFileSync(join(dir, 'copy.html'), 'utf8')).toContain('raftbed trace: seed 11');
    const broken = join(dir, 'broken.ndjson');
    writeFileSync(broken, readFileSync(SEED_11, 'utf8').split('\n').filter((_, k) => k !== 5).join('\n'));
    const io = quietIo();
    expect(await main(['view', broken, '-o', join(dir, 'broken.html')], io)).toBe(2);
    expect(io.lines.join('\n')).toMatch(/trace line 6: event index 6 where 5 was expected/);
    const badReport = join(dir, 'report.json');
    writeFileSync(badReport, JSON.stringify({ firstUnmatched: { line: 999_999 } }));
    expect(await main(['view', file, '--tla-report', badReport], quietIo())).toBe(2);
  });
});
