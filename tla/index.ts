// The TLA+ tools' public surface (the `raftbed/tla` entry point): TLC runs with typed verdicts, the
// spec and mutant catalogue, trace validation against the spec, replaying spec behaviours through
// core, and TLA+ values.
export * from './tlc';
export { TLA_DIR, FULL_MODEL, SMALL_MODEL, MUTANTS, EXTENSIONS, inTlaDir, type ModelRun, type MutantRun } from './catalogue';
export { runCheck, expectNoError, expectViolation, type CheckKind, type CheckOutcome, type CheckOptions, type CheckReport } from './check';
export { validateTrace, validateTraceText, validateMany, tracePrefix, TRACE_SPEC_DIR, SPEC_DIR, ACCEPTANCE_INVARIANT, type Verdict, type FirstUnmatched, type ValidationResult, type ValidateOptions, type ManyResult } from './validate';
export { runReplaySpec, type ReplaySpecOptions, type ReplaySpecReport } from './replay-spec/replay-spec';
export * from './tla-value';
