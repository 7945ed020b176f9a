import type { KeyResult, LinearizabilityResult } from './check';
import type { Operation } from './history';
import { ModelError, resolveModel, type AnyModel, type ResolvedModel } from './model';
import { builtInModel } from './models';

/** Ops drawn per partition before the timeline is cut down to a window around the failure. */
const MAX_OPS_DRAWN = 300;
/** Prefix ops kept before the failure when the window is cut down. */
const PREFIX_OPS_IN_WINDOW = 60;
/** Prefix steps listed in the table (the most recent ones). */
const PREFIX_ROWS = 40;
/** Zoom factors offered above each timeline. */
const ZOOMS = [1, 2, 4, 8, 16] as const;
/** Axis ticks aimed for across the visible width at 1×. */
const TICKS_AT_1X = 10;

export interface ReportOptions {
  /**
   * The model the history was checked against; it describes operations and
   * states. Default: the built-in model named by `result.model` (kv or register).
   */
  model?: AnyModel;
  /**
   * The page that shows the run's trace events; an operation that carries an
   * `eventIndex` links to `${viewHref}#event-${eventIndex}`. Default 'view.html'.
   */
  viewHref?: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A 1, 2 or 5 times a power of ten, close to `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * power;
}

/**
 * A finer step that divides `step` about four or five times: 1 → 0.2,
 * 2 → 0.5, 5 → 1 (times a power of ten), so finer ticks fall between the
 * coarser ones, never beside them.
 */
export function subdivide(step: number): number {
  const power = 10 ** Math.floor(Math.log10(step) + 1e-9);
  const mantissa = Math.round(step / power);
  return step / (mantissa === 2 ? 4 : 5);
}

/** How many decimals show a multiple of `step` exactly (at most 6). */
function decimalsFor(step: number): number {
  return Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

/** Times rounded to the resolution of the finest axis ticks, so 1234.5678901 ms reads 1234.57 ms. */
class TimeFormat {
  constructor(readonly decimals: number) {}
  ms(t: number): string {
    return `${t.toFixed(this.decimals)} ms`;
  }
}

interface Ctx {
  model: ResolvedModel<unknown, unknown, unknown>;
  byId: Map<number, Operation>;
  viewHref: string;
  annotated: { node: boolean; term: boolean; event: boolean };
}

function outputOf(h: Operation): unknown {
  return h.completeMs === null ? undefined : h.result;
}

function describe(ctx: Ctx, h: Operation): string {
  return ctx.model.describeOperation(h.op, outputOf(h));
}

function servedBy(h: Operation): string {
  const parts: string[] = [];
  if (h.node !== undefined) parts.push(`node ${h.node}`);
  if (h.term !== undefined) parts.push(`term ${h.term}`);
  return parts.join(', ');
}

function describeTimes(h: Operation, tf: TimeFormat): string {
  return `invoked ${tf.ms(h.invokeMs)}, ${h.completeMs === null ? 'never completed' : `completed ${tf.ms(h.completeMs)}`}`;
}

/** The operation's trace events: its invocation, and its completion when the history has it. */
function eventLink(ctx: Ctx, h: Operation): string {
  const link = (i: number) => `<a href="${escapeHtml(`${ctx.viewHref}#event-${i}`)}">event ${i}</a>`;
  const parts = [h.eventIndex, h.completeEventIndex].filter((i): i is number => i !== undefined).map(link);
  return parts.join(' to ');
}

function describeEvents(h: Operation): string {
  if (h.eventIndex === undefined) return '';
  return h.completeEventIndex === undefined ? `; trace event ${h.eventIndex}` : `; trace events ${h.eventIndex} to ${h.completeEventIndex}`;
}

interface Window {
  ops: Operation[];
  start: number;
  end: number;
  truncated: boolean;
}

/** Picks the ops to draw: all of them, or for long histories those around the end of the longest prefix. */
function chooseWindow(keyOps: Operation[], r: KeyResult, byId: Map<number, Operation>): Window {
  const finite = (h: Operation): number => h.completeMs ?? h.invokeMs;
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

/**
 * Axis ticks for every zoom level at once: a tick carries the class of the
 * smallest zoom at which it shows (z1, z4, z16), and CSS hides the finer
 * ones until that zoom is picked. No script needed.
 */
function renderAxis(w: Window, pct: (t: number) => string): { html: string; tf: TimeFormat } {
  const span = w.end - w.start;
  const coarse = niceStep(span / TICKS_AT_1X);
  const levels = [
    { zoom: 1, step: coarse },
    { zoom: 4, step: subdivide(coarse) },
    { zoom: 16, step: subdivide(subdivide(coarse)) },
  ];
  const finest = levels[levels.length - 1].step;
  const tf = new TimeFormat(decimalsFor(finest));
  const ticks = new Map<string, { t: number; zoom: number }>();
  for (const { zoom, step } of [...levels].reverse()) {
    // Coarser levels come later and overwrite the finer ticks at the same time.
    for (let k = Math.ceil(w.start / step - 1e-9); k * step <= w.end; k++) {
      const t = k * step;
      ticks.set(t.toFixed(tf.decimals), { t, zoom });
    }
  }
  const html = [...ticks.values()]
    .map(({ t, zoom }) => `<span class="tick z${zoom}" style="left:${pct(t)}%">${tf.ms(t)}</span>`)
    .join('');
  return { html: `<div class="axis"><div class="client"></div><div class="track">${html}</div></div>`, tf };
}

function renderTimeline(ctx: Ctx, w: Window, r: KeyResult): { html: string; tf: TimeFormat } {
  const order = new Map<number, number>();
  r.longestPrefix.forEach((id, i) => order.set(id, i + 1));
  const clients = [...new Set(w.ops.map((h) => h.client))].sort();
  const span = w.end - w.start;
  const pct = (t: number): string => (((t - w.start) / span) * 100).toFixed(3);
  const axis = renderAxis(w, pct);
  const tf = axis.tf;
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
        const served = servedBy(h);
        const label = `${position !== undefined ? `${position}. ` : ''}${describe(ctx, h)}${served ? ` [${served}]` : ''}`;
        const title = `#${h.id} ${h.client}: ${describe(ctx, h)}; ${describeTimes(h, tf)}${served ? `; served by ${served}` : ''}${describeEvents(h)}${position !== undefined ? `; step ${position} of the longest prefix` : h.id === r.failedOp ? '; could not be linearised' : ''}`;
        return `<div class="${classes.join(' ')}" id="op-${h.id}" style="left:${left}%;width:${width}%" title="${escapeHtml(title)}" data-op-id="${h.id}">${escapeHtml(label)}</div>`;
      })
      .join('');
    return `<div class="lane"><div class="client">${escapeHtml(client)}</div><div class="track">${bars}</div></div>`;
  });
  return { html: `<div class="scaled">${axis.html}${lanes.join('')}</div>`, tf };
}

function renderZoom(sectionIndex: number): { radios: string; labels: string } {
  const name = `zoom-${sectionIndex}`;
  const radios = ZOOMS.map(
    (z) => `<input type="radio" class="zoom zoom-${z}" name="${name}" id="${name}-${z}"${z === 1 ? ' checked' : ''}>`,
  ).join('');
  const labels = `<div class="zoombar">zoom ${ZOOMS.map((z) => `<label for="${name}-${z}">${z}×</label>`).join('')}</div>`;
  return { radios, labels };
}

function renderPrefixTable(ctx: Ctx, sectionIndex: number, r: KeyResult, tf: TimeFormat): { table: string; finalState: string } {
  const { model, byId, annotated } = ctx;
  let state: unknown = model.init();
  const rows: string[] = [];
  r.longestPrefix.forEach((id, i) => {
    const h = byId.get(id)!;
    state = model.step(state, h.op, outputOf(h)) ?? state;
    const cells = [
      `${i + 1}`,
      `<a href="#op-${h.id}">#${h.id}</a>`,
      escapeHtml(h.client),
      escapeHtml(describe(ctx, h)),
      `${escapeHtml(tf.ms(h.invokeMs))} – ${h.completeMs === null ? '?' : escapeHtml(tf.ms(h.completeMs))}`,
      ...(annotated.node ? [escapeHtml(h.node ?? '')] : []),
      ...(annotated.term ? [h.term === undefined ? '' : String(h.term)] : []),
      ...(annotated.event ? [eventLink(ctx, h)] : []),
      escapeHtml(model.describeState(state)),
    ];
    rows.push(`<tr id="step-${sectionIndex}-${i + 1}">${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`);
  });
  const headers = ['step', 'op', 'client', 'operation', 'interval', ...(annotated.node ? ['node'] : []), ...(annotated.term ? ['term'] : []), ...(annotated.event ? ['trace'] : []), 'state after'];
  const omitted = rows.length - PREFIX_ROWS;
  const shown = omitted > 0 ? [`<tr><td colspan="${headers.length}">… ${omitted} earlier steps omitted …</td></tr>`, ...rows.slice(omitted)] : rows;
  const table = `<table><thead><tr>${headers.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${shown.join('')}</tbody></table>`;
  return { table, finalState: model.describeState(state) };
}

function renderKey(ctx: Ctx, sectionIndex: number, r: KeyResult, keyOps: Operation[]): string {
  const w = chooseWindow(keyOps, r, ctx.byId);
  const timeline = renderTimeline(ctx, w, r);
  const { table, finalState } = renderPrefixTable(ctx, sectionIndex, r, timeline.tf);
  const failed = r.failedOp === undefined ? undefined : ctx.byId.get(r.failedOp);
  let headline: string;
  if (r.verdict === 'violation' && failed !== undefined) {
    const served = servedBy(failed);
    const link = eventLink(ctx, failed);
    headline = `<p class="why">After the longest linearisable prefix found (${r.longestPrefix.length} ops) the state is <code>${escapeHtml(
      finalState,
    )}</code>, and op <a href="#op-${failed.id}"><b>#${failed.id}</b></a> (${escapeHtml(failed.client)}: <code>${escapeHtml(describe(ctx, failed))}</code>, ${escapeHtml(
      describeTimes(failed, timeline.tf),
    )}${served ? `, served by ${escapeHtml(served)}` : ''}${link ? `, ${link}` : ''}) could not be placed there or anywhere else consistent with real time.</p>`;
  } else {
    headline = `<p class="why">Verdict <b>${r.verdict}</b>${r.exhausted !== undefined ? ` (${escapeHtml(r.exhausted)})` : ''}; deepest prefix reached: ${
      r.longestPrefix.length
    } ops.</p>`;
  }
  const note = w.truncated ? `<p class="note">Showing ${w.ops.length} of ${keyOps.length} ops, around the end of the prefix.</p>` : '';
  const zoom = renderZoom(sectionIndex);
  const title = r.key === '' ? 'History' : `Partition <code>${escapeHtml(r.key)}</code>`;
  return `<section id="partition-${sectionIndex}"><h2>${title}: ${r.verdict}</h2>${headline}${note}${zoom.radios}${zoom.labels}<div class="timeline">${timeline.html}</div><h3>Longest linearisable prefix</h3>${table}</section>`;
}

function zoomCss(): string {
  const rules: string[] = [];
  for (const z of ZOOMS) {
    rules.push(`.zoom-${z}:checked~.timeline .scaled{width:${z * 100}%}`);
    rules.push(`.zoom-${z}:checked+.zoombar label[for$="-${z}"],.zoom-${z}:checked~.zoombar label[for$="-${z}"]{background:#333;color:#fff}`);
    for (const level of [4, 16]) if (z >= level) rules.push(`.zoom-${z}:checked~.timeline .tick.z${level}{display:block}`);
  }
  return rules.join('\n');
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
code{background:#f3f3f3;padding:0 .2em}
a{color:#1554a5}
.legend span{display:inline-block;padding:0 .5em;margin-right:.5em;border:1px solid #888}
input.zoom{position:absolute;opacity:0;pointer-events:none}
.zoombar{margin:.3em 0;font-size:12px;color:#555}
.zoombar label{display:inline-block;border:1px solid #999;border-radius:3px;padding:0 .45em;margin-left:.3em;cursor:pointer;user-select:none}
.timeline{border:1px solid #ccc;overflow-x:auto;position:relative}
.scaled{width:100%;min-width:60em;padding:.3em 2.5em .3em 0;box-sizing:border-box}
.axis{display:flex;height:18px;color:#666;font-size:11px;border-bottom:1px solid #ddd}
.axis .track{height:18px}
.tick{position:absolute;top:0;height:18px;border-left:1px solid #bbb;padding-left:2px;white-space:nowrap}
.tick.z4,.tick.z16{display:none;color:#999}
.lane{display:flex;align-items:center;height:24px;border-top:1px dotted #eee}
.client{width:8em;flex:none;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-size:12px;position:sticky;left:0;background:#fff;z-index:3;padding-left:.3em}
.track{position:relative;flex:1;height:20px}
.op{position:absolute;top:2px;height:16px;font-size:11px;white-space:nowrap;overflow:hidden;background:#ddd;border:1px solid #999;box-sizing:border-box;padding:0 2px}
.op:target{outline:3px solid #f90;z-index:4}
.op.linearised{background:#bfe6bf;border-color:#3a8a3a}
.op.failed{background:#f4b4b4;border:2px solid #c00;z-index:2}
.op.unknown{border-style:dashed;background-image:repeating-linear-gradient(45deg,transparent 0 4px,rgba(0,0,0,.08) 4px 8px)}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 6px;font-size:12px;text-align:left}
.why{background:#fff4f4;border-left:4px solid #c00;padding:.5em}
.note{color:#666}
${zoomCss()}
`;

function pickModel(result: LinearizabilityResult, given: AnyModel | undefined): ResolvedModel<unknown, unknown, unknown> {
  if (given !== undefined && given.name !== result.model) {
    throw new ModelError(`the result was checked against model ${JSON.stringify(result.model)}, not ${JSON.stringify(given.name)}`);
  }
  const model = given ?? builtInModel(result.model);
  if (model === undefined) throw new ModelError(`pass the model ${JSON.stringify(result.model)} that the history was checked against`);
  return resolveModel(model);
}

/**
 * A self-contained HTML report (inline CSS, no scripts or external assets)
 * of a check's result, rendered with the model it was checked against: for
 * each partition that is not linearisable (or was not decided), a per-client
 * timeline with a time axis and CSS-only zoom, the longest linearisable
 * prefix highlighted in order, the operation that could not be placed, and
 * a table of the prefix with the state after each step. Operations that
 * carry the node and term that served them, or their trace event, show them.
 * Every string taken from the history is escaped.
 */
export function renderViolationHtml(history: readonly Operation[], result: LinearizabilityResult, options: ReportOptions = {}): string {
  const model = pickModel(result, options.model);
  const byId = new Map<number, Operation>();
  const byKey = new Map<string, Operation[]>();
  for (const h of history) {
    byId.set(h.id, h);
    const key = model.partition(h.op);
    let list = byKey.get(key);
    if (list === undefined) byKey.set(key, (list = []));
    list.push(h);
  }
  const ctx: Ctx = {
    model,
    byId,
    viewHref: options.viewHref ?? 'view.html',
    annotated: {
      node: history.some((h) => h.node !== undefined),
      term: history.some((h) => h.term !== undefined),
      event: history.some((h) => h.eventIndex !== undefined || h.completeEventIndex !== undefined),
    },
  };
  const all = [...result.perKey.values()];
  const skipped = all.filter((r) => r.exhausted === 'not-checked' || r.exhausted === 'cancelled');
  const interesting = all.filter((r) => r.verdict !== 'ok' && !skipped.includes(r));
  interesting.sort((a, b) => (a.verdict === b.verdict ? (a.key < b.key ? -1 : 1) : a.verdict === 'violation' ? -1 : 1));
  const okCount = all.filter((r) => r.verdict === 'ok').length;
  const undecided = interesting.length - result.violatingKeys.length;
  const sections = interesting.map((r, i) => renderKey(ctx, i, r, byKey.get(r.key) ?? [])).join('');
  const skippedNote =
    skipped.length > 0 ? ` ${skipped.length} not decided because the check stopped at the first violation (${escapeHtml(skipped.map((r) => r.key).slice(0, 20).join(', '))}${skipped.length > 20 ? ', …' : ''}).` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Linearizability: ${result.verdict}</title><style>${STYLE}</style></head>
<body><h1>Linearizability check: ${result.verdict}</h1>
<p>${history.length} operations checked against the <b>${escapeHtml(result.model)}</b> model, in ${result.perKey.size} partitions: ${okCount} linearisable, ${
    result.violatingKeys.length
  } not, ${undecided} undecided.${skippedNote} Each partition is checked on its own: a history is linearisable exactly when every partition's sub-history is.</p>
<p class="legend"><span class="op linearised" style="position:static">in the longest prefix (numbered in order)</span><span class="op failed" style="position:static">could not be placed</span><span class="op unknown" style="position:static">outcome unknown (may take effect any time after invocation, or never)</span><span class="op" style="position:static">other</span></p>
${sections}
</body></html>
`;
}
