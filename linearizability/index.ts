/**
 * A linearizability checker for histories of concurrent operations against a
 * user-defined sequential model. See docs/linearizability.md.
 */
export type { Operation, HistoryOp, KvOp, KvResult, HistoryErrorCode, ModelValidationProblem } from './history';
export { HistoryValidationError, validateOperations } from './history';
export type { Model, ModelSource, AnyModel } from './model';
export { ModelError } from './model';
export { kvModel, validateHistory, describeKvOp, describeKvResult, type RegisterState } from './kv-model';
export { registerModel, type RegisterInput, type RegisterOutput, type RegisterValue } from './register-model';
export type { CheckOptions, KeyResult, LinearizabilityResult, Verdict, CheckOptionsErrorCode } from './check';
export { checkHistorySync, checkLinearizability, CheckOptionsError, DEFAULT_MAX_SEARCH_STEPS } from './check';
export type { ParallelCheckOptions } from './parallel';
export { checkHistory } from './parallel';
export type { Exhausted } from './search';
export { renderViolationHtml, type ReportOptions } from './render-html';
export type { SyntheticHistoryOptions } from './synthetic-history';
export { generateLinearizableHistory } from './synthetic-history';
