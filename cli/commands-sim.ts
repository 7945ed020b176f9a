// The simulator's commands as the command line shows them: flags, arguments, help. What each one
// does lives in its cmd-*.ts module, required only when the command runs.

/* eslint-disable @typescript-eslint/no-require-imports -- the work loads on run, not on --help */
import { BUILT_IN_MODELS } from '../linearizability/models';
import { PACE_FLAGS, SIM_FLAGS } from './common';
import { parseShard, type FlagSpec } from './flags';
import type { CommandDef, Invocation } from './program';
import { EXIT_CHECK_FAILED, EXIT_REPLAY_DIVERGED, EXIT_UNDECIDED, EXIT_USAGE } from './exit-codes';

export const DEFAULT_MAX_SEEDS = 200;

const SWEEP_FLAGS: Record<string, FlagSpec> = {
  seeds: { kind: 'int', min: 1, required: true, help: 'how many seeds to run (required)' },
  from: { kind: 'int', min: 0, help: 'first seed (default 1)' },
  workers: { kind: 'int', min: 1, max: 64, help: 'worker threads (default: the number of cores)' },
  shard: { kind: 'string', value: 'i/n', parse: parseShard, help: 'run only this machine\'s share of the seeds (CI fan-out)' },
  out: { kind: 'string', value: 'DIR', help: 'directory for traces of failing seeds (default ./raftbed-failures)' },
  progress: { kind: 'bool', help: 'show the progress line (rate, ETA) even when stderr is not a terminal' },
  validate: { kind: 'int', min: 0, value: 'K', help: 'also validate K of the passing runs\' traces with TLC (TLA+ trace validation)' },
  ...SIM_FLAGS,
};

export const SWEEP: CommandDef = {
  about: 'Runs seeds --from .. --from+N-1 on worker threads, checks every run, and fails on any violation or on a fault profile whose faults never happened.',
  flags: SWEEP_FLAGS,
  epilog: `Exit: ${EXIT_CHECK_FAILED} on any violation, missing fault coverage or rejected trace; 130 on Ctrl-C after the partial summary.`,
  run: (inv: Invocation) => require('./cmd-sweep').sweepCommand(inv),
};

export const MERGE: CommandDef = {
  about: 'Joins the --json outputs of `raftbed sweep --shard i/n` (files, or directories of .json files) into one summary, after proving they are one sweep.',
  args: ['<reports...>'],
  run: (inv) => require('./cmd-merge').mergeCommand(inv),
};

export const RUN: CommandDef = {
  about: 'Runs one seed, optionally writing its trace; a failure prints a one-line replay command.',
  flags: {
    seed: { kind: 'int', min: 0, required: true, value: 'S', help: 'the seed (required)' },
    trace: { kind: 'string', value: 'FILE', help: 'write the NDJSON trace to FILE' },
    plan: { kind: 'string', value: 'FILE', help: 'use the fault plan in FILE (JSON) instead of generating one' },
    hash: { kind: 'bool', help: 'print only the SHA-256 of the trace (determinism checks)' },
    ...SIM_FLAGS,
    ...PACE_FLAGS,
  },
  run: (inv) => require('./cmd-run').runCommand(inv),
};

export const REPLAY: CommandDef = {
  about: 'Re-runs a trace (or a seed, twice) and proves the trace identical byte for byte.',
  args: ['[trace]'],
  flags: {
    seed: { kind: 'int', min: 0, value: 'S', help: 'replay this seed (twice, comparing the traces) instead of a trace file' },
    plan: { kind: 'string', value: 'FILE', help: 'with --seed: the fault plan file printed by a property-based counterexample' },
    ...SIM_FLAGS,
  },
  epilog: `Exit: 0 identical, no violation; ${EXIT_CHECK_FAILED} identical with a violation; ${EXIT_REPLAY_DIVERGED} the traces differ (first different line printed).`,
  run: (inv) => require('./cmd-replay').replayCommand(inv),
};

export const SHRINK: CommandDef = {
  about: 'Reduces a failing run (nodes, duration, clients, seed, network, fault schedule) to a smaller one failing with the same property; writes its plan and trace.',
  args: ['<trace>'],
  flags: {
    out: { kind: 'string', value: 'PREFIX', help: 'prefix of the files written: PREFIX.plan.json and PREFIX.ndjson (default TRACE.shrunk)' },
    'max-attempts': { kind: 'int', min: 1, help: 'bound on re-runs (default 2000)' },
    'budget-s': { kind: 'int', min: 1, value: 'S', help: 'wall-clock bound on the search, seconds (default 120)' },
    progress: { kind: 'bool', help: 'show the progress line even when stderr is not a terminal' },
    // The same two flags as run, sweep and replay: here they replace the implementation the trace's header names.
    impl: { ...SIM_FLAGS.impl, help: `${SIM_FLAGS.impl.help.replace(/; default: .*$/, '')}; default: the one the trace's header names` },
    'impl-cmd': { ...SIM_FLAGS['impl-cmd'], help: `${SIM_FLAGS['impl-cmd'].help}; default: the one the trace's header names` },
  },
  epilog: `Exit: 0 a reproducer was written; ${EXIT_CHECK_FAILED} the input run does not fail; ${EXIT_REPLAY_DIVERGED} the shrunk run did not fail again when traced.`,
  run: (inv) => require('./cmd-shrink').shrinkCommand(inv),
};

export const VIEW: CommandDef = {
  about: 'Writes one self-contained HTML page that draws the trace (lanes, messages, faults, client operations, the violation).',
  args: ['<trace>'],
  flags: {
    output: { kind: 'string', alias: '-o', value: 'FILE.html', help: 'where to write the page (default: TRACE with .html for .ndjson)' },
    'tla-report': { kind: 'string', value: 'FILE', help: 'JSON from `raftbed tla validate --json`: its first unmatched event is marked' },
  },
  run: (inv) => require('./cmd-view').viewCommand(inv),
};

export const CHECK_HISTORY: CommandDef = {
  about: 'Decides whether a recorded history is linearizable and writes the HTML report. FILE is a raftbed history (JSON) or a Jepsen/Knossos history (EDN or jepsen.util log lines).',
  args: ['<file>'],
  flags: {
    output: { kind: 'string', alias: '-o', value: 'FILE', help: 'write the HTML report to FILE (default on violation: FILE.linearizability.html)' },
    model: { kind: 'choice', choices: Object.keys(BUILT_IN_MODELS), help: 'the model to check against (default: the file header\'s, else detected; kv for bare JSON)' },
    format: { kind: 'choice', choices: ['auto', 'json', 'jepsen'], help: 'history format (default auto: JSON if it parses, else Jepsen EDN/log lines)' },
    'fail-cas': { kind: 'choice', choices: ['not-applied', 'not-swapped'], help: 'Jepsen: what a cas that completed :fail means (default not-applied)' },
    workers: { kind: 'int', min: 1, max: 256, help: 'worker threads for hard partitions (default: available CPUs)' },
    'time-limit': { kind: 'number', min: 0, value: 'S', help: `give up after S seconds with verdict unknown (exit ${EXIT_UNDECIDED})` },
    'max-steps': { kind: 'int', min: 1, help: 'search steps per partition before it is undecided (default 10,000,000)' },
    all: { kind: 'bool', help: 'decide every partition instead of stopping at the first violation' },
    view: { kind: 'string', value: 'HREF', help: 'the trace view page that ops with an eventIndex link to (default view.html)' },
  },
  epilog: `Exit: 0 linearizable; ${EXIT_CHECK_FAILED} not linearizable; ${EXIT_USAGE} usage or format error; ${EXIT_UNDECIDED} undecided within the budget.`,
  run: (inv) => require('./cmd-check-history').checkHistoryCommand(inv),
};

export const BUGS: CommandDef = {
  about: 'Hunts every planted bug (or one, --only) and reports how fast the simulator\'s checkers catch it.',
  flags: {
    only: { kind: 'string', value: 'NAME', help: 'hunt only the bug with this name' },
    'max-seeds': { kind: 'int', min: 1, max: 1_000_000, default: DEFAULT_MAX_SEEDS, help: 'seeds to try per bug before giving up' },
    'from-seed': { kind: 'int', min: 0, value: 'S', help: 'first seed to try (default 1)' },
    'declared-only': { kind: 'bool', help: 'keep hunting past violations of properties the bug does not declare' },
  },
  epilog: () => `bugs: ${(require('../sim/bugs/catalogue') as typeof import('../sim/bugs/catalogue')).PLANTED_BUGS.map((b) => b.name).join(', ')}\n\nExit: 0 every bug caught; ${EXIT_CHECK_FAILED} some escaped.`,
  run: (inv) => require('./cmd-bugs').runBugsCli(inv),
};

export const BENCH: CommandDef = {
  about: 'Measures simulator throughput (events/s with every per-event checker on) and the linearizability checker on a 100,000-operation history.',
  flags: {
    seconds: { kind: 'int', min: 1, max: 600, help: 'wall seconds of simulation to measure (default 10)' },
    'write-readme': { kind: 'bool', help: 'write the figures into README.md between the bench markers' },
  },
  run: (inv) => require('./cmd-bench').benchCommand(inv),
  subcommands: [
    { name: 'browser', summary: 'three Chromium tabs over WebRTC + localStorage: writes/s and commit latency', load: () => require('./commands-browser').BENCH_BROWSER },
  ],
};
