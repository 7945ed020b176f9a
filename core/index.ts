// core's public surface. Everything else in core/ is an implementation detail.
export * from './types';
export { step } from './step';
export type { StepResult } from './step';
export { initialState, restartState } from './state';
export type { RaftState, Progress, LeaderState } from './state';
export { makeConfig, validateConfig, ConfigError, DEFAULT_CONFIG } from './config';
export { validateMessage, describeUntrusted } from './validate';
export { lastIndex, lastTerm, termAt, entryAt, entriesBetween } from './log';
export type { RaftLog } from './log';
export { quorumSize } from './quorum';
export { KvStateMachine, encodeCommand, decodeCommand, KvDecodeError } from './kv';
export type { KvOp, KvResult, KvCommand, KvApplied } from './kv';
export { InternalInvariantError } from './context';
export { applyPersistRecord, applyPersistRecordInPlace, toMutableDurableState, PersistSequenceError, DurableInvariantError, EMPTY_DURABLE_STATE } from './persist';
export { checkDurableState, recordViolation, DURABLE_INVARIANTS } from './durable-invariants';
export type { DurableInvariant, DurableViolation, DurableCheckOptions } from './durable-invariants';
export { MAX_TERM, MAX_TERM_STEP, isTerm } from './terms';
export type { MutableDurableState } from './persist';
