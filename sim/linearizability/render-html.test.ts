import { checkLinearizability } from './check';
import { renderViolationHtml } from './render-html';
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
