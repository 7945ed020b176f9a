// sim's public surface (the `raftbed/sim` entry point): the seeded simulator, its configuration,
// fault plans, the scripted-scenario API, one-seed runs, shrinking and the planted-bug catalogue.
export { Simulation, type SimNode, type Violation, type RunResult, type SimulationOptions } from './cluster/simulation';
export { makeSimConfig, validateSimConfig, SimConfigError, DEFAULT_SIM_CONFIG, type SimConfig, type WorkloadConfig } from './config';
export { runSeed, type SeedOutcome, type RunSeedOptions } from './run-seed';
export { runOptionsOf, withRunOptions, RUN_OPTION_NAMES, type RunOptions, type RunOptionName } from './run-options';
export * from './faults';
export * from './scenarios';
export { shrinkCase, NotFailingError, type ShrinkCase, type ShrinkCaseOptions, type ShrinkCaseResult, type ShrinkProgress } from './shrink';
export { PLANTED_BUGS, UnknownBugError, bugNames, findBug } from './bugs/catalogue';
export type { PlantedBug } from './bugs/types';
