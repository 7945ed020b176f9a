// Property-based suites over fault plans, and the harness they share with scenarios and replay.
export { runPlan, planSimConfig, planRunSettings, PLAN_RUN_DEFAULTS, type RunPlanOptions, type PlanConfig, type PlanOutcome, type StepObserver } from './run-plan';
export { planCaseArb, nodeIds, disruptiveFaults, type PlanCase, type PlanCaseArbOptions } from './plan-case';
export { writeCounterexample, replayCommand, describeCounterexample, type WrittenCounterexample } from './counterexample';
export { checkPlanProperty, assertPlanProperty, noSafetyViolation, linearizable, type PlanJudge, type PlanPropertyOptions, type PlanPropertyReport } from './check-plan-property';
