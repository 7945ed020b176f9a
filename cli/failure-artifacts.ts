// Beside every failing trace the CLI writes, the pages a person opens first: the trace view
// (viewer/) and, for a linearizability failure, the linearizability report. Their paths go into
// the failure summary, so nobody has to remember `raftbed view`.

import { writeFileSync } from 'node:fs';
import { parseTrace } from '../trace/read';
import { renderTraceHtml } from '../viewer';
import { renderViolationHtml } from '../linearizability';
import type { SeedOutcome } from '../sim/run-seed';

export interface FailureArtifacts {
  /** The trace view: TRACE with .html for .ndjson. */
  readonly view: string;
  /** The linearizability report, only when the history has no linearization. */
  readonly linearizability: string | null;
}

export function artifactPaths(tracePath: string): { view: string; linearizability: string } {
  const stem = tracePath.replace(/\.ndjson$/, '');
  return { view: `${stem}.html`, linearizability: `${stem}.linearizability.html` };
}

/** Writes the view of `traceText` (the trace at `tracePath`) and, if `outcome` has one, its linearizability report. */
export function writeFailureArtifacts(tracePath: string, traceText: string, outcome: Pick<SeedOutcome, 'history' | 'linearizability'>): FailureArtifacts {
  const paths = artifactPaths(tracePath);
  writeFileSync(paths.view, renderTraceHtml(parseTrace(traceText)));
  let linearizability: string | null = null;
  if (outcome.linearizability?.verdict === 'violation') {
    writeFileSync(paths.linearizability, renderViolationHtml(outcome.history, outcome.linearizability));
    linearizability = paths.linearizability;
  }
  return { view: paths.view, linearizability };
}
