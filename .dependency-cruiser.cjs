/**
 * Import rules: every arrow points down.
 *
 *   cli/  integration/  mutation/  bench/  examples/  deploy/  traces/    composition and tests
 *   viewer/                                       renders simulator traces (may read sim's fault plans)
 *   sim/  tla/  browser-adapter/  introducer/     drivers, beside each other
 *   protocol/                                     the node protocol (core is one implementation)
 *   checkers/  linearizability/  trace/           shared by every driver
 *   core/                                         the pure step function
 *
 * A rule below names what a layer may NOT import; `npm run lint:deps` runs them in `npm test`.
 */
const TOP = '^(cli|integration|mutation|bench|examples|deploy|traces|scripts)/';
const DRIVERS = '^(sim|tla|browser-adapter|introducer|viewer)/';

module.exports = {
  forbidden: [
    {
      name: 'core-is-the-bottom',
      comment: 'core/ is pure and imports nothing of ours (and no IO module).',
      severity: 'error',
      from: { path: '^core/', pathNot: '^core/bench/' },
      to: { pathNot: '^core/', dependencyTypesNot: ['npm', 'type-only'], path: '' },
    },
    {
      name: 'core-does-no-io',
      comment: 'The step function is IO-free: no fs, net, child_process, worker_threads or timers modules.',
      severity: 'error',
      from: { path: '^core/', pathNot: ['^core/bench/', '\\.test\\.ts$', '^core/test-support/'] },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|child_process|worker_threads|timers|os|dgram|cluster)$' },
    },
    {
      name: 'shared-layers-stand-alone',
      comment: 'The trace format, the checkers and the linearizability checker are used by every driver, so they import only core and each other.',
      severity: 'error',
      from: { path: '^(trace|checkers|linearizability)/' },
      to: { path: `^(sim|tla|browser-adapter|introducer|viewer|protocol)/|${TOP}` },
    },
    {
      name: 'protocol-below-drivers',
      comment: 'The node protocol is implementation-neutral: drivers use it, it uses no driver.',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { path: `${DRIVERS}|${TOP}` },
    },
    {
      name: 'sim-imports-no-other-driver',
      severity: 'error',
      from: { path: '^sim/' },
      to: { path: `^(tla|browser-adapter|introducer|viewer)/|${TOP}` },
    },
    {
      name: 'scenario-api-speaks-only-the-protocol',
      comment: 'Scenario scripts run against any implementation: the scenario API reaches nodes through the protocol, never through core in process (a test of core internals reads them in the test file).',
      severity: 'error',
      from: { path: '^sim/scenarios/', pathNot: '\\.test\\.ts$' },
      to: { path: '^protocol/core-node' },
    },
    {
      name: 'tla-imports-no-other-driver',
      severity: 'error',
      from: { path: '^tla/' },
      to: { path: `^(sim|browser-adapter|introducer|viewer)/|${TOP}` },
    },
    {
      name: 'browser-adapter-imports-no-other-driver',
      comment: 'The browser side speaks to the introducer through its client; it never imports sim or tla.',
      severity: 'error',
      from: { path: '^browser-adapter/' },
      to: { path: `^(sim|tla|viewer)/|${TOP}` },
    },
    {
      name: 'introducer-stands-alone',
      comment: 'The introducer is a separate server: it imports nothing of ours.',
      severity: 'error',
      from: { path: '^introducer/' },
      to: { path: `^(core|trace|checkers|linearizability|protocol|sim|tla|browser-adapter|viewer)/|${TOP}` },
    },
    {
      name: 'viewer-below-cli',
      severity: 'error',
      from: { path: '^viewer/' },
      to: { path: `^(tla|browser-adapter|introducer)/|${TOP}` },
    },
    {
      name: 'cli-is-the-only-composition-root',
      comment: 'Only cli/ composes the drivers into the raftbed command; nothing below it imports cli/.',
      severity: 'error',
      from: { pathNot: '^(cli|integration|mutation|bench|deploy)/' },
      to: { path: '^cli/' },
    },
    {
      name: 'no-circular',
      comment:
        "No import cycles, with one known exception inside core/: the role modules call one another " +
        "(replication falls back to a snapshot and resumes after it; a leader that hands over or learns " +
        "a newer term becomes a follower through election.ts). etcd-io/raft keeps these in one file; we keep " +
        "one file per concern and accept the cycle, which cannot leave core because core imports nothing else.",
      severity: 'error',
      from: { pathNot: '^core/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.cache|\\.stryker-tmp|reports|\\.build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
