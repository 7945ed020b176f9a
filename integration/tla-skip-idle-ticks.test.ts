// A trace recorded with --skip-idle-ticks is a trace TLC validates like any other: batched Tick
// steps (`count`) and steps after owed idle ticks (`idleTicks`) are kept as their inputs (the
// spec's Tick step reads only the actions); a malformed count is refused at its line. Needs the
// TLC jar for the last test.

import { convertTrace } from '../tla/trace/convert';
import { requireTlcJar } from '../tla/test-support/require-tlc-jar';
import { validateTraceText } from '../tla/validate';
import { TraceFormatError } from '../trace/read';
import { completeTrace, MemoryTrace } from '../trace/sink';
import { Simulation } from '../sim/cluster/simulation';
import { makeSimConfig } from '../sim/config';

jest.setTimeout(300_000);

function skippingTrace(): MemoryTrace {
  const trace = new MemoryTrace(true);
  new Simulation(makeSimConfig({ seed: 4, nodes: 3, durationMs: 600, skipIdleTicks: true }), { trace }).run();
  return trace;
}

describe('TLA+ conversion of traces with batched ticks', () => {
  it('keeps every step, batched or not', () => {
    const trace = skippingTrace();
    expect(trace.text.some((l) => l.includes('"idleTicks":'))).toBe(true);
    const converted = convertTrace(trace.ndjson());
    const steps = trace.text.filter((l) => l.includes('"ev":"Step"')).length;
    expect(converted.events.filter((e) => e.kind === 'Step')).toHaveLength(steps);
  });

  it.each([
    ['a zero idleTicks', (l: string) => l.replace(/"idleTicks":\d+/, '"idleTicks":0'), /idleTicks must be a positive integer/],
    ['a count on a Receive', (l: string) => l.replace('"input":"Receive",', '"input":"Receive","count":2,'), /count must be a positive integer, on a Tick step only/],
  ])('refuses %s at its line', (_name, doctor, message) => {
    const lines = skippingTrace().text.slice();
    const pattern = String(message).includes('idleTicks') ? '"idleTicks":' : '"input":"Receive",';
    const k = lines.findIndex((l, i) => i > 0 && l.includes(pattern));
    lines[k] = doctor(lines[k]);
    expect(() => convertTrace(completeTrace(lines))).toThrow(TraceFormatError);
    expect(() => convertTrace(completeTrace(lines))).toThrow(message);
  });

  it('TLC accepts a whole run recorded with skipping on', async () => {
    const result = await validateTraceText(skippingTrace().ndjson(), { jar: requireTlcJar() });
    expect(result.verdict).toBe('pass');
    expect(result.eventsMatched).toBe(result.eventsTotal);
  });
});
