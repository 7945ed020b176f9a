// renderTraceHtml: a trace in, one self-contained HTML page out (inline CSS and JS, the trace
// embedded as compact JSON). No network access is needed to open it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedTrace } from '../trace/read';
import { buildModel, type TlaReport } from './model';

export { buildModel, TlaReportError, type TlaReport, type ViewerModel } from './model';

export interface RenderOptions {
  /** The JSON of `raftbed tla validate --json`: its first unmatched event is marked. */
  readonly tlaReport?: TlaReport;
}

const asset = (name: string) => readFileSync(join(__dirname, 'page', name), 'utf8');

/** JSON inside <script> must not close the element or open a comment. */
function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderTraceHtml(trace: ParsedTrace, options: RenderOptions = {}): string {
  const model = buildModel(trace, options.tlaReport);
  return asset('page.html')
    .replace('/*STYLE*/', () => asset('page.css'))
    .replace('<!--TITLE-->', () => escapeHtml(model.title))
    .replace('/*DATA*/', () => embedJson(model))
    .replace('/*SCRIPT*/', () => asset('page.js'));
}
