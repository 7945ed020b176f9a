import type { KeyResult, LinearizabilityResult } from './check';
import type { HistoryOp, KvOp, KvResult } from './history';
import { kvRegisterModel, type RegisterState } from './model';

/** Ops drawn per key before the timeline is cut down to a window around the failure. */
const MAX_OPS_DRAWN = 300;
/** Prefix ops kept before the failure when the window is cut down. */
const PREFIX_OPS_IN_WINDOW = 60;
/** Prefix steps listed in the table (the most recent ones). */
const PREFIX_ROWS = 40;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function quote(value: string | null): string {
  return value === null ? '(absent)' : JSON.stringify(value);
}

export function describeOp(op: KvOp): string {
  switch (op.kind) {
    case 'get':
      return `get ${op.key}`;
    case 'put':
      return `put ${op.key} ${quote(op.value)}`;
    case 'append':
      return `append ${op.key} ${quote(op.value)}`;
    case 'cas':
      return `cas ${op.key} ${quote(op.expected)} → ${quote(op.value)}`;
  }
}

export function describeResult(result: KvResult | null): string {
  if (result === null) return 'outcome unknown';
  switch (result.kind) {
    case 'ok':
      return 'ok';
    case 'value':
      return `→ ${quote(result.value)}`;
    case 'cas':
      return result.ok ? '→ swapped' : '→ not swapped';
  }
}

function describeTimes(h: HistoryOp): string {
  return `invoked ${h.invokeMs} ms, ${h.completeMs === null ? 'never completed' : `completed ${h.completeMs} ms`}`;
}

interface Window {
  ops: HistoryOp[];
  start: number;
  end: number;
  truncated: boolean;
}

/** Picks the ops to draw: all of them, or for long histories those around the end of the longest prefix. */
function chooseWindow(keyOps: HistoryOp[], r: KeyResult, byId: Map<number, HistoryOp>): Window {
  const finite = (h: HistoryOp): number => h.completeMs ?? h.invokeMs;
  let ops = keyOps;
  let truncated = false;
  if (keyOps.length > MAX_OPS_DRAWN) {
    const anchorId = r.longestPrefix[Math.max(0, r.longestPrefix.length - PREFIX_OPS_IN_WINDOW)];
    const failed = r.failedOp === undefined ? undefined : byId.get(r.failedOp);
    const from = anchorId === undefined ? -Infinity : byId.get(anchorId)!.invokeMs;
    const to = failed === undefined ? from : Math.max(from, finite(failed));
    const shown = keyOps.filter((h) => h.invokeMs <= to && (h.completeMs === null ? h.invokeMs >= from : h.completeMs >= from));
    ops = shown.slice(0, MAX_OPS_DRAWN);
    truncated = true;
  }
  let start = Infinity;
  let end = -Infinity;
  for (const h of ops) {
    start = Math.min(start, h.invokeMs);
    end = Math.max(end, finite(h));
  }
  if (!(end > start)) end = start + 1;
  // Unknown-outcome bars run to the right edge; leave them a little room.
  end += (end - start) * 0.04;
  return { ops, start, end, truncated };
}

function renderTimeline(w: Window, r: KeyResult): string {
  const order = new Map<number, number>();
  r.longestPrefix.forEach((id, i) => order.set(id, i + 1));
  const clients = [...new Set(w.ops.map((h) => h.client))].sort();
  const span = w.end - w.start;
  const pct = (t: number): string => (((t - w.start) / span) * 100).toFixed(3);
  const lanes = clients.map((client) => {
    const bars = w.ops
      .filter((h) => h.client === client)
      .map((h) => {
        const left = pct(h.invokeMs);
        const right = h.completeMs === null ? '100' : pct(h.completeMs);
        const width = Math.max(0.15, Number(right) - Number(left)).toFixed(3);
        const classes = ['op'];
        const position = order.get(h.id);
        if (h.id === r.failedOp) classes.push('failed');
        else if (position !== undefined) classes.push('linearised');
        if (h.completeMs === null) classes.push('unknown');
        const label = `${position !== undefined ? `${position}. ` : ''}${describeOp(h.op)} ${describeResult(h.result)}`;
        const title = `#${h.id} ${h.client}: ${describeOp(h.op)} ${describeResult(h.result)}; ${describeTimes(h)}${
          position !== undefined ? `; step ${position} of the longest prefix` : h.id === r.failedOp ? '; could not be linearised' : ''
        }`;
        return `<div class="${classes.join(' ')}" style="left:${left}%;width:${width}%" title="${escapeHtml(title)}" data-op-id="${h.id}">${escapeHtml(label)}</div>`;
      })
      .join('');
    return `<div class="lane"><div class="client">${escapeHtml(client)}</div><div class="track">${bars}</div></div>`;
  });
  return `<div class="axis"><span>${w.start.toFixed(3)} ms</span><span>${w.end.toFixed(3)} ms</span></div>${lanes.join('')}`;
}

function renderPrefixTable(r: KeyResult, byId: Map<number, HistoryOp>): { table: string; finalState: RegisterState } {
  let state: RegisterState = kvRegisterModel.initialState;
  const rows: string[] = [];
  r.longestPrefix.forEach((id, i) => {
    const h = byId.get(id)!;
    state = kvRegisterModel.step(state, h.op, h.result) ?? state;
    rows.push(
      `<tr><td>${i + 1}</td><td>#${h.id}</td><td>${escapeHtml(h.client)}</td><td>${escapeHtml(describeOp(h.op))}</td><td>${escapeHtml(
        describeResult(h.result),
      )}</td><td>${escapeHtml(quote(state))}</td></tr>`,
    );
  });
  const omitted = rows.length - PREFIX_ROWS;
  const shown = omitted > 0 ? [`<tr><td colspan="6">… ${omitted} earlier steps omitted …</td></tr>`, ...rows.slice(omitted)] : rows;
  const table = `<table><thead><tr><th>step</th><th>op</th><th>client</th><th>operation</th><th>result</th><th>value after</th></tr></thead><tbody>${shown.join(
    '',
  )}</tbody></table>`;
  return { table, finalState: state };
}

function renderKey(key: string, r: KeyResult, keyOps: HistoryOp[], byId: Map<number, HistoryOp>): string {
  const { table, finalState } = renderPrefixTable(r, byId);
  const failed = r.failedOp === undefined ? undefined : byId.get(r.failedOp);
  const headline =
    r.verdict === 'violation' && failed !== undefined
      ? `<p class="why">After the longest linearisable prefix found (${r.longestPrefix.length} ops) the value is <code>${escapeHtml(
          quote(finalState),
        )}</code>, and op <b>#${failed.id}</b> (${escapeHtml(failed.client)}: <code>${escapeHtml(describeOp(failed.op))}</code> ${escapeHtml(
          describeResult(failed.result),
        )}, ${escapeHtml(describeTimes(failed))}) could not be placed there or anywhere else consistent with real time.</p>`
      : `<p class="why">Verdict <b>${r.verdict}</b>${r.exhausted !== undefined ? ` (${escapeHtml(r.exhausted)})` : ''}; deepest prefix reached: ${
          r.longestPrefix.length
        } ops.</p>`;
  const w = chooseWindow(keyOps, r, byId);
  const note = w.truncated ? `<p class="note">Showing ${w.ops.length} of ${keyOps.length} ops, around the end of the prefix.</p>` : '';
  return `<section><h2>Key <code>${escapeHtml(key)}</code>: ${r.verdict}</h2>${headline}${note}<div class="timeline">${renderTimeline(
    w,
    r,
  )}</div><h3>Longest linearisable prefix</h3>${table}</section>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
code{background:#f3f3f3;padding:0 .2em}
.legend span{display:inline-block;padding:0 .5em;margin-right:.5em;border:1px solid #888}
.timeline{border:1px solid #ccc;padding:.5em;overflow-x:auto}
.axis{display:flex;justify-content:space-between;margin-left:8em;color:#666;font-size:12px}
.lane{display:flex;align-items:center;height:24px;border-top:1px dotted #eee}
.client{width:8em;flex:none;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-size:12px}
.track{position:relative;flex:1;height:20px;min-width:60em}
.op{position:absolute;top:2px;height:16px;font-size:11px;white-space:nowrap;overflow:hidden;background:#ddd;border:1px solid #999;box-sizing:border-box;padding:0 2px}
.op.linearised{background:#bfe6bf;border-color:#3a8a3a}
.op.failed{background:#f4b4b4;border:2px solid #c00;z-index:2}
.op.unknown{border-style:dashed;background-image:repeating-linear-gradient(45deg,transparent 0 4px,rgba(0,0,0,.08) 4px 8px)}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 6px;font-size:12px;text-align:left}
.why{background:#fff4f4;border-left:4px solid #c00;padding:.5em}
.note{color:#666}
`;

/**
 * A self-contained HTML report (inline CSS, no scripts or external assets)
 * of a check's result: for each key that is not linearisable (or was not
 * decided), a per-client timeline of operations, the longest linearisable
 * prefix highlighted in order, and the operation that could not be placed.
 * Every string taken from the history is escaped.
 */
export function renderViolationHtml(history: readonly HistoryOp[], result: LinearizabilityResult): string {
  const byId = new Map<number, HistoryOp>();
  const byKey = new Map<string, HistoryOp[]>();
  for (const h of history) {
    byId.set(h.id, h);
    let list = byKey.get(h.op.key);
    if (list === undefined) byKey.set(h.op.key, (list = []));
    list.push(h);
  }
  const interesting = [...result.perKey.values()].filter((r) => r.verdict !== 'ok');
  interesting.sort((a, b) => (a.verdict === b.verdict ? (a.key < b.key ? -1 : 1) : a.verdict === 'violation' ? -1 : 1));
  const okCount = result.perKey.size - interesting.length;
  const sections = interesting.map((r) => renderKey(r.key, r, byKey.get(r.key) ?? [], byId)).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Linearizability: ${result.verdict}</title><style>${STYLE}</style></head>
<body><h1>Linearizability check: ${result.verdict}</h1>
<p>${history.length} operations on ${result.perKey.size} keys; ${okCount} keys linearisable, ${
    result.violatingKeys.length
  } not, ${interesting.length - result.violatingKeys.length} undecided. Each key is checked on its own: a history is linearisable exactly when every key's sub-history is.</p>
<p class="legend"><span class="op linearised" style="position:static">in the longest prefix (numbered in order)</span><span class="op failed" style="position:static">could not be placed</span><span class="op unknown" style="position:static">outcome unknown (may take effect any time after invocation, or never)</span><span class="op" style="position:static">other</span></p>
${sections}
</body></html>
`;
}
