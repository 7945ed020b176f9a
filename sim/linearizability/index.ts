export type { HistoryOp, KvOp, KvResult, HistoryErrorCode } from './history';
export { HistoryValidationError, validateHistory } from './history';
export type { SequentialModel, PrimitiveState, RegisterState } from './model';
export { kvRegisterModel } from './model';
export type { CheckOptions, KeyResult, LinearizabilityResult, Verdict, CheckOptionsErrorCode } from './check';
export { checkLinearizability, checkLinearizabilityWithModel, CheckOptionsError, DEFAULT_MAX_SEARCH_STEPS, partitionByKey } from './check';
export { renderViolationHtml } from './render-html';
export type { SyntheticHistoryOptions } from './synthetic-history';
export { generateLinearizableHistory } from './synthetic-history';
