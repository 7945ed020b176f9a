// Core as an out-of-process node: `node protocol/bin/core-node.js` speaks the protocol on
// stdin/stdout. The simulator runs it with `--impl-cmd` to measure the cost of the stdio path and
// to check that core over stdio behaves byte for byte like core in process.

import { CoreProtocolNode } from './core-node';
import { serveStdio } from './stdio-server';

export function main(): void {
  serveStdio((start) => new CoreProtocolNode(start.id));
}
