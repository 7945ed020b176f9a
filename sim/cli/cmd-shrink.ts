// raftbed shrink TRACE.ndjson: reduces a failing run to a minimal fault schedule that still
// breaks the same property, and prints it with its replay command.

import { writeFileSync } from 'node:fs';
import { runSeed } from '../run-seed';
import type { SimConfig } from '../config';
import { describeFault } from '../faults';
import { shrinkPlan } from '../shrink';
import { parseArgs, helpText, CliUsageError, type FlagSpec } from './args';
import { configFlags, describeViolation, resolveBug } from './common';
import { openSimTrace } from './trace-input';
import type { CliIo } from './io';

const FLAGS: Record<string, FlagSpec> = {
  out: { kind: 'string', help: 'where to write the minimal plan (default TRACE.min-plan.json)' },
  'max-attempts': { kind: 'int', min: 1, help: 'bound on re-runs (default 500)' },
  json: { kind: 'bool', help: 'machine-readable output' },
  help: { kind: 'bool', help: 'show this help' },
};

export async function shrinkCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS, 1);
  if (flags.help) {
    io.out(helpText('raftbed shrink TRACE.ndjson', FLAGS));
    return 0;
  }
  if (positional.length !== 1) throw new CliUsageError('give the trace of a failing run');
  const path = positional[0];
  // Checked whole first: a cut or edited trace is refused before any re-run.
  const { header, config } = openSimTrace(path);
  const plan = config.faultPlan as NonNullable<SimConfig['faultPlan']>;
  const bug = resolveBug(config.bug);
  const original = runSeed(config, { bug });
  if (original.violation === null) {
    io.out(`${path}: this run does not fail (any more): nothing to shrink`);
    return 2;
  }
  const property = original.violation.property;
  const result = shrinkPlan(header.nodes, plan, (candidate) => runSeed({ ...config, faultPlan: candidate }, { bug }).violation?.property === property, Number(flags['max-attempts'] ?? 500));
  const out = String(flags.out ?? `${path}.min-plan.json`);
  writeFileSync(out, JSON.stringify(result.plan, null, 2) + '\n');
  const replay = `raftbed run ${configFlags(config)} --plan ${out}`;
  if (flags.json) {
    io.out(JSON.stringify({ property, faults: result.plan.schedule.length, removed: result.removed, attempts: result.attempts, plan: out, replay }, null, 2));
    return 1;
  }
  io.out(`${property} still fails with ${result.plan.schedule.length} scheduled faults (${result.removed} removed in ${result.attempts} runs):`);
  for (const f of result.plan.schedule) io.out(`  ${describeFault(f)}`);
  io.out(`violation: ${describeViolation(original.violation)}`);
  io.out(`minimal plan: ${out}`);
  io.out(`replay: ${replay}`);
  return 1;
}
