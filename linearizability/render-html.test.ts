import { checkHistorySync, checkLinearizability } from './check';
import type { HistoryOp, Operation } from './history';
import { kvModel } from './kv-model';
import { ModelError } from './model';
import { niceStep, renderViolationHtml, subdivide } from './render-html';
import { queueModel, type QueueInput, type QueueOutput } from './test-support/queue-model';
import { generateLinearizableHistory } from './synthetic-history';
import { done, get, ok, put, saw } from './test-support/history-builder';

describe('renderViolationHtml', () => {
  const history = [
    done(1, 'alice', 0, 1, put('x', '1'), ok),
    done(2, 'alice', 2, 3, put('x', '2'), ok),
    done(3, 'bob', 4, 5, get('x'), saw('1')),
    done(4, 'carol', 0, 1, put('fine', 'v'), ok),
  ];
  const html = renderViolationHtml(history, checkLinearizability(history));

  it('is a self-contained document with no scripts or external assets', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
  });

  it('marks the op that could not be placed and numbers the prefix', () => {
    expect(html).toMatch(/<div class="op failed"[^>]*data-op-id="3"/);
    expect(html).toMatch(/<div class="op linearised"[^>]*data-op-id="1">1\. put x/);
    expect(html).toMatch(/<div class="op linearised"[^>]*data-op-id="2">2\. put x/);
    expect(html).toContain('op <a href="#op-3"><b>#3</b></a>');
    expect(html).toContain('bob');
  });

  it('shows only keys that are not linearisable', () => {
    expect(html).toContain('Partition <code>x</code>');
    expect(html).not.toContain('Partition <code>fine</code>');
  });

  it('escapes every string that comes from the history', () => {
    const evil = '<script>alert("x")</script>';
    const h = [done(1, evil, 0, 1, put(evil, evil), ok), done(2, 'b', 2, 3, get(evil), saw(`${evil}'&`))];
    const page = renderViolationHtml(h, checkLinearizability(h));
    expect(page).not.toContain('<script');
    expect(page).toContain('&#60;script&#62;');
  });

  it('cuts a long history down to a window around the failure', () => {
    const h = generateLinearizableHistory({ seed: 3, ops: 1500, clients: 4, keys: 1, unknownRate: 0 });
    const victim = h[1200];
    victim.op = { kind: 'get', key: victim.op.key };
    victim.result = { kind: 'value', value: 'never-written' };
    if (victim.completeMs === null) victim.completeMs = victim.invokeMs + 1;
    const result = checkLinearizability(h);
    expect(result.verdict).toBe('violation');
    const page = renderViolationHtml(h, result);
    expect(page).toContain(`data-op-id="${result.perKey.get(victim.op.key)!.failedOp}"`);
    expect(page).toMatch(/Showing \d+ of 1500 ops/);
    expect((page.match(/data-op-id=/g) ?? []).length).toBeLessThanOrEqual(300);
  });
});

describe('report features', () => {
  const annotated: HistoryOp[] = [
    { ...done(1, 'alice', 0.123456, 1000.987654, put('x', '1'), ok), node: 'n1', term: 3, eventIndex: 10 },
    { ...done(2, 'alice', 1200.5, 1800.25, put('x', '2'), ok), node: 'n1', term: 3, eventIndex: 25 },
    { ...done(3, 'bob', 2000.0001, 2100.4999, get('x'), saw('1')), node: 'n2', term: 2, eventIndex: 31 },
  ];
  const page = renderViolationHtml(annotated, checkLinearizability(annotated), { viewHref: 'run.view.html' });

  it('rounds times to the resolution of the finest axis ticks', () => {
    // About 2.1 s drawn: ticks every 200 ms at 1×, every 10 ms at 16×, so times to the millisecond.
    expect(page).toContain('invoked 2000 ms, completed 2100 ms');
    expect(page).toContain('<td>0 ms – 1001 ms</td>');
    expect(page).not.toMatch(/\d\.\d+ ms/);
    expect(page).toMatch(/<span class="tick z1" style="left:[\d.]+%">400 ms<\/span>/);
    expect(page).toMatch(/<span class="tick z16" style="left:[\d.]+%">410 ms<\/span>/);
    // A history a few milliseconds long keeps decimals.
    const short = [done(1, 'a', 0.5, 1.25, put('x', '1'), ok), done(2, 'b', 2.125, 3.0625, get('x'), saw(null))];
    expect(renderViolationHtml(short, checkLinearizability(short))).toContain('invoked 2.13 ms, completed 3.06 ms');
  });

  it('shows the node and term that served each op, and links ops to their trace events', () => {
    expect(page).toMatch(/id="op-3"[^>]*>get x → &#34;1&#34; \[node n2, term 2\]/);
    expect(page).toContain('served by node n2, term 2, <a href="run.view.html#event-31">event 31</a>');
    expect(page).toContain('<th>node</th><th>term</th><th>trace</th>');
    expect(page).toContain('<a href="#op-1">#1</a>');
    // Without annotations there are no such columns.
    const plain = renderViolationHtml(annotated.map(({ node: _n, term: _t, eventIndex: _e, ...h }) => h), checkLinearizability(annotated));
    expect(plain).not.toContain('<th>node</th>');
    expect(plain).not.toContain('view.html#event-');
  });

  it('zooms with CSS alone: one radio per zoom level, finer ticks shown only when zoomed in', () => {
    expect(page).not.toMatch(/<script/i);
    for (const z of [1, 2, 4, 8, 16]) expect(page).toContain(`<input type="radio" class="zoom zoom-${z}" name="zoom-0" id="zoom-0-${z}"`);
    expect(page).toContain('.zoom-8:checked~.timeline .scaled{width:800%}');
    expect(page).toContain('.zoom-4:checked~.timeline .tick.z4{display:block}');
    expect(page).not.toContain('.zoom-2:checked~.timeline .tick.z4{display:block}');
    expect(page).toMatch(/class="tick z4"/);
  });

  it('renders with a user model, and refuses a model other than the one checked against', () => {
    const queueOps: Operation<QueueInput, QueueOutput>[] = [
      { id: 1, client: 'a', op: { f: 'enq', queue: 'q', value: 1 }, invokeMs: 0, completeMs: 1, result: null },
      { id: 2, client: 'a', op: { f: 'enq', queue: 'q', value: 2 }, invokeMs: 2, completeMs: 3, result: null },
      { id: 3, client: 'b', op: { f: 'deq', queue: 'q' }, invokeMs: 4, completeMs: 5, result: 2 },
    ];
    const result = checkHistorySync(queueOps, queueModel);
    const html = renderViolationHtml(queueOps, result, { model: queueModel });
    expect(html).toContain('checked against the <b>fifo-queues</b> model');
    expect(html).toContain('the state is <code>[1, 2]</code>');
    expect(html).toContain('<code>deq → 2</code>');
    expect(() => renderViolationHtml(queueOps, result)).toThrow(ModelError);
    expect(() => renderViolationHtml(queueOps, result, { model: kvModel })).toThrow(/checked against model "fifo-queues", not "kv"/);
  });

  it('lists partitions left unchecked after the first violation instead of drawing them', () => {
    const h = [done(1, 'a', 0, 1, get('a'), saw('1')), done(2, 'a', 0, 1, get('b'), saw('1'))];
    const html = renderViolationHtml(h, checkLinearizability(h));
    expect(html).toContain('Partition <code>a</code>: violation');
    expect(html).not.toContain('Partition <code>b</code>');
    expect(html).toContain('1 not decided because the check stopped at the first violation (b)');
  });
});

describe('axis steps', () => {
  it('are 1, 2 or 5 times a power of ten, and finer ones divide coarser ones', () => {
    expect([0.013, 0.3, 4.2, 70, 1234].map(niceStep)).toEqual([0.01, 0.2, 5, 50, 1000]);
    for (const step of [0.01, 0.2, 5, 50, 1000, 2, 20]) {
      const finer = subdivide(step);
      const ratio = step / finer;
      expect(Math.abs(ratio - Math.round(ratio))).toBeLessThan(1e-9);
      expect(ratio).toBeGreaterThanOrEqual(4);
      expect(ratio).toBeLessThanOrEqual(5);
    }
  });
});
