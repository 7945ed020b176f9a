// The small recorded browser run (testdata/merge-small), merged into one cluster trace, for tests
// that plant bugs into it: the merged text, its header line, a fresh copy of its events to edit,
// and a way to reseal edited events as a complete trace.

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseTrace } from '../../trace/read';
import { completeTrace } from '../../trace/sink';
import { mergeBrowserTraces } from '../trace-merge';

export type TraceEvent = Record<string, any>;

const FIXTURE_DIR = path.join(__dirname, '..', 'testdata', 'merge-small');

export const MERGED_SMALL: string = mergeBrowserTraces(
  readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.ndjson')).sort().map((name) => ({ name, text: readFileSync(path.join(FIXTURE_DIR, name), 'utf8') })),
).text;

export const MERGED_SMALL_HEADER: string = MERGED_SMALL.split('\n')[0];

/** A fresh parsed copy of the merged run's events (without the header), for a test to edit. */
export const mergedSmallEvents = (): TraceEvent[] => parseTrace(MERGED_SMALL).lines.slice(1).map((l) => JSON.parse(l) as TraceEvent);

/** Edited events resealed with their own End line, under `header` (default: the merged run's). */
export const resealed = (events: readonly TraceEvent[], header = MERGED_SMALL_HEADER): string =>
  completeTrace([header, ...events.map((e) => JSON.stringify(e))]);
