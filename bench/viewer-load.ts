// How long a viewer page takes to open in Chromium: from navigation start to the end of the first
// paint of the timeline (the page records performance.now() then). Median of N fresh pages.
//
//   node -r ts-node/register/transpile-only bench/viewer-load.ts TRACE.ndjson [RUNS]
//
// It writes TRACE's page to a temporary file, opens it RUNS times (default 5) in a fresh page each
// time, and prints each figure, the median, the page size and the machine load (`uptime`).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../browser-adapter/harness/chromium';
import { parseTrace } from '../trace/read';
import { renderTraceHtml } from '../viewer/index';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const [tracePath, runsArg] = process.argv.slice(2);
  if (tracePath === undefined) throw new Error('usage: bench-load.ts TRACE.ndjson [RUNS]');
  const runs = runsArg === undefined ? 5 : Number(runsArg);
  const trace = parseTrace(readFileSync(tracePath, 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'raftbed-bench-view-'));
  const page = join(dir, 'view.html');
  const html = renderTraceHtml(trace);
  writeFileSync(page, html);
  const browser = await launchChromium();
  const firstRenderMs: number[] = [];
  const wallMs: number[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      const p = await browser.newPage({ viewport: { width: 1400, height: 800 } });
      const started = Date.now();
      await p.goto(`file://${page}`);
      await p.waitForSelector('#timeline[data-rendered="1"]', { timeout: 120_000 });
      wallMs.push(Date.now() - started);
      firstRenderMs.push(Number(await p.$eval('#timeline', (el) => (el as HTMLElement).dataset.firstRenderMs)));
      await p.close();
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`trace ${tracePath}: ${trace.events.length} events, page ${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB`);
  console.log(`open to first render (page clock), ms: ${firstRenderMs.map((v) => v.toFixed(0)).join(' ')}; median ${median(firstRenderMs).toFixed(0)}`);
  console.log(`goto to rendered (harness clock), ms: ${wallMs.join(' ')}; median ${median(wallMs)}`);
  console.log(`load: ${execFileSync('uptime').toString().trim()}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
