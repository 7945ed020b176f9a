// Every trace in traces/ must replay byte for byte. A difference means the behaviour of core or
// the simulator changed: either a regression, or an intended change whose traces must be
// regenerated deliberately (see traces/README.md).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrace } from '../trace/read';
import { MemoryTrace } from '../trace/sink';
import { runSeed } from '../sim/run-seed';
import { makeSimConfig, type SimConfig } from '../sim/config';
import { parseFaultPlan } from '../sim/faults';

const files = readdirSync(__dirname).filter((f) => f.endsWith('.ndjson')).sort();

describe('regression traces replay byte for byte', () => {
  it('has traces to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('%s', (file) => {
    const recorded = parseTrace(readFileSync(join(__dirname, file), 'utf8'));
    const config = makeSimConfig({ ...(recorded.header.config as SimConfig), faultPlan: parseFaultPlan(recorded.header.faultPlan, { nodes: recorded.header.nodes }) });
    const trace = new MemoryTrace(true);
    runSeed(config, { trace, version: recorded.header.version, commit: recorded.header.commit });
    // The header names the commit that wrote it; everything after it must match exactly.
    const firstDiff = recorded.lines.findIndex((line, k) => k > 0 && line !== trace.text[k]);
    if (firstDiff >= 0) {
      throw new Error(`${file} differs at line ${firstDiff + 1}:\n  recorded ${recorded.lines[firstDiff]}\n  replayed ${trace.text[firstDiff] ?? '<end>'}`);
    }
    expect(trace.text.length).toBe(recorded.lines.length);
    // Same header (the recorded build is passed in), same events: the same End line, byte for byte.
    expect(trace.text[0]).toBe(recorded.lines[0]);
    expect(trace.endLine()).toBe(readFileSync(join(__dirname, file), 'utf8').trimEnd().split('\n').pop());
  });

  it('notices a doctored trace (the comparison can fail)', () => {
    const recorded = parseTrace(readFileSync(join(__dirname, files[0]), 'utf8'));
    const config = makeSimConfig({ ...(recorded.header.config as SimConfig), faultPlan: parseFaultPlan(recorded.header.faultPlan, { nodes: recorded.header.nodes }) });
    const trace = new MemoryTrace(true);
    runSeed(config, { trace });
    const doctored = recorded.lines.slice();
    const target = doctored.findIndex((line, k) => k > 0 && line.includes('"term":'));
    doctored[target] = doctored[target].replace(/"term":(\d+)/, (_m, t) => `"term":${Number(t) + 1}`);
    expect(doctored[target]).not.toBe(recorded.lines[target]);
    expect(doctored.findIndex((line, k) => k > 0 && line !== trace.text[k])).toBe(target);
  });
});
