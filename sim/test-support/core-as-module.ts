// An implementation given as a module (`raftbed sweep --impl FILE`): here core itself, wrapped as any
// third-party TypeScript Raft would be, to test the module path end to end.

import { CoreProtocolNode } from '../../protocol/core-node';
import type { ProtocolNode } from '../../protocol/types';

export function createNode(id: string): ProtocolNode {
  return new CoreProtocolNode(id);
}
