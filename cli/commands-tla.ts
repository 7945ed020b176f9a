// `raftbed tla ...` as the command line shows it: flags, arguments, help. What each subcommand
// does lives in cli/tla*.ts and cli/trace-merge.ts, required only when it runs (TLC and the
// spec's tooling are never loaded for --help).

/* eslint-disable @typescript-eslint/no-require-imports -- the work loads on run, not on --help */
import { FAULT_PROFILES } from '../sim/faults/types';
import type { CommandDef } from './program';
import { EXIT_CHECK_FAILED, EXIT_TOOL_FAILED, EXIT_TOOL_MISSING, EXIT_USAGE } from './exit-codes';

const ONLY = ['model-only', 'mutants-only', 'extensions-only'];
const others = (flag: string) => ONLY.filter((f) => f !== flag);

export const CHECK: CommandDef = {
  about: 'Model-checks MCRaft and the extensions, and runs every mutant (which must violate its invariant) and its control (which must not).',
  flags: {
    small: { kind: 'bool', help: 'use the few-second model instead of the CI model' },
    'model-only': { kind: 'bool', conflicts: others('model-only'), help: 'only the bounded model' },
    'mutants-only': { kind: 'bool', conflicts: others('mutants-only'), help: 'only the mutants and their controls' },
    'extensions-only': { kind: 'bool', conflicts: others('extensions-only'), help: 'only the extension models' },
    workers: { kind: 'int', min: 1, help: 'TLC workers for the model runs (default 2)' },
    'timeout-seconds': { kind: 'int', min: 1, value: 'S', help: 'stop any single TLC run after S seconds' },
  },
  epilog: `Exit: 0 every run as expected; ${EXIT_CHECK_FAILED} some run not as expected; ${EXIT_TOOL_MISSING} TLC jar or java missing.`,
  run: (inv) => require('./tla').checkCommand(inv),
};

export const VALIDATE: CommandDef = {
  about: [
    'Decides with TLC whether the trace is a behaviour of tla/trace/TraceRaft.tla.',
    '--events N validates only the first N events: TLC holds the whole trace in memory, and traces of',
    'about 70,000 events or more exhaust its default heap.',
  ].join('\n'),
  args: ['<trace>'],
  flags: {
    events: { kind: 'int', min: 1, help: 'validate only the first N events' },
    'timeout-seconds': { kind: 'int', min: 1, value: 'S', help: 'stop TLC after S seconds' },
    'no-diagnosis': { kind: 'bool', help: 'on a failure, skip the second TLC run that names the disagreeing fields' },
    progress: { kind: 'bool', help: 'show which TLC run is going, and for how long, even when stderr is not a terminal' },
  },
  epilog: [
    `Exit: 0 pass; ${EXIT_CHECK_FAILED} fail (the first unmatched line and its disagreeing fields are printed);`,
    `${EXIT_USAGE} usage error or a trace that is malformed, incomplete (no End line), edited, or in an older format;`,
    `${EXIT_TOOL_MISSING} TLC jar or java missing; ${EXIT_TOOL_FAILED} TLC error.`,
  ].join('\n'),
  run: (inv) => require('./tla-validate').runValidateCli(inv),
};

export const MERGE: CommandDef = {
  about: [
    'Merges the per-tab, per-incarnation traces of one browser run (files, or directories whose',
    '*.ndjson files are taken, except *.merged.ndjson) into one cluster trace in causal order.',
    "--validate then checks it: TLC trace validation against TraceRaft and sim's SafetyChecker.",
  ].join('\n'),
  args: ['<traces...>'],
  flags: {
    output: { kind: 'string', alias: '-o', value: 'MERGED.ndjson', required: true, help: 'write the merged trace here (required)' },
    validate: { kind: 'bool', help: "then check it: TLC trace validation and sim's SafetyChecker" },
    'timeout-seconds': { kind: 'int', min: 1, value: 'S', help: 'stop TLC after S seconds' },
    progress: { kind: 'bool', help: 'with --validate: show which TLC run is going even when stderr is not a terminal' },
  },
  epilog: [
    `Exit: 0 merged (and valid); ${EXIT_CHECK_FAILED} TLC or the checker rejected it; ${EXIT_USAGE} usage error or inputs that`,
    `cannot be merged (the error kind is printed); ${EXIT_TOOL_MISSING} TLC jar or java missing; ${EXIT_TOOL_FAILED} TLC error.`,
  ].join('\n'),
  run: (inv) => require('./trace-merge').runTraceMergeCli(inv),
};

export const REPLAY_SPEC: CommandDef = {
  about: [
    'TLC generates N random behaviours of tla/replay-spec/ReplaySpec.tla (biased toward elections and',
    "commits); each is replayed against core's step function, and after every step the spec's term,",
    "role, vote, log, commit index and persist sequence must equal core's. See docs/replay-spec.md.",
  ].join('\n'),
  flags: {
    count: { kind: 'int', min: 1, required: true, help: 'behaviours per PreVote setting (required)' },
    depth: { kind: 'int', min: 2, value: 'D', help: 'states per behaviour, D - 1 steps (default 50, at least 2)' },
    seed: { kind: 'int', min: 0, value: 'S', help: "TLC's simulation seed and core's timer seed (default 1)" },
    'pre-vote': { kind: 'choice', choices: ['on', 'off', 'both'], value: 'MODE', help: 'on, off or both (default both: N behaviours with each)' },
    'timeout-seconds': { kind: 'int', min: 1, value: 'T', help: 'stop any TLC run after T seconds' },
  },
  epilog: [
    `Exit: 0 no disagreement; ${EXIT_CHECK_FAILED} a disagreement (each printed with its behaviour and step);`,
    `${EXIT_USAGE} usage error; ${EXIT_TOOL_MISSING} TLC jar or java missing; ${EXIT_TOOL_FAILED} TLC generated no behaviours.`,
  ].join('\n'),
  run: (inv) => require('./tla-replay-spec').runReplaySpecCommand(inv),
};

export const BENCH: CommandDef = {
  about: [
    'Validates one simulator trace of exactly N events (default 10000; seed 1, faults all, 3 nodes,',
    '2 clients) with one TLC worker and prints the wall time and validated events per second.',
  ].join('\n'),
  flags: {
    events: { kind: 'int', min: 100, help: 'trace length in events (default 10000, at least 100)' },
    seed: { kind: 'int', min: 0, value: 'S', help: 'simulator seed (default 1)' },
    faults: { kind: 'choice', choices: FAULT_PROFILES, value: 'PROFILE', help: 'fault profile (default all)' },
  },
  run: (inv) => require('./tla-bench-validate').runTlaBenchCli(inv),
};

export const TLA: CommandDef = {
  about: 'The TLA+ spec: model checking, trace validation, merging browser traces, replaying spec behaviours against core.',
  subcommands: [
    { name: 'check', summary: 'model-check MCRaft and the extensions, run every mutant (must violate its invariant) and its control (must not)', load: () => CHECK },
    { name: 'validate', summary: 'decide with TLC whether a trace (sim or browser) is a behaviour of the spec', load: () => VALIDATE },
    { name: 'merge', summary: "merge a browser run's per-tab traces into one cluster trace (--validate: TLC + invariants)", load: () => MERGE },
    { name: 'replay-spec', summary: "TLC generates random spec behaviours; replay each against core's step function", load: () => REPLAY_SPEC },
    { name: 'bench', summary: 'measure trace-validation speed (events/s, a 10,000-event trace)', load: () => BENCH },
  ],
};
