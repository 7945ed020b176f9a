// The node protocol's public surface (the `raftbed/protocol` entry point; docs/node-protocol.md):
// its message types and shape validators, the conformance monitor, core as a protocol node, and the
// driver that runs any implementation as a child process.
export * from './types';
export * from './validate';
export * from './errors';
export { DriverContractError, ConformanceMonitor, CheckedNode, type HasOutputLine } from './conformance';
export * from './core-node';
export { ProcessDriver, ProcessNode, DEFAULT_STEP_TIMEOUT_MS, DEFAULT_START_TIMEOUT_MS, type ProcessDriverOptions } from './process-node';
export { LineServer, serveStdio } from './stdio-server';
