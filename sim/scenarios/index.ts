// Scripted scenarios: a fluent API over the simulator for hand-written fault and traffic scripts.
export { scenario, Scenario, type ScenarioOptions, type ScenarioResult, type NodeRef, type ScenarioAction, type ScenarioStepObserver } from './scenario';
export { ScenarioContext, ScenarioError, type ConfChangeOutcome } from './context';
export { ClientOpTracker, type ScenarioOp } from './client-ops';
export * from './predicates';
