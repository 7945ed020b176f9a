import type { SimNetwork } from '../network/network';
import type { FaultEvent, TimedFault } from './types';

type AnyNetwork = SimNetwork<{ readonly from: string; readonly to: string }>;

/**
 * Applies the network half of a fault (partition, isolateLeader, heal, clog, setNetwork) to
 * `network` and returns true; returns false for node faults (crash, restart, pause, clocks), which
 * the driver owns. `leader` is the node an isolateLeader cuts off (the driver knows who leads; null
 * when nobody does, and then the fault only heals).
 */
export function applyNetworkFault<M extends { readonly from: string; readonly to: string }>(network: SimNetwork<M>, fault: TimedFault, leader: string | null = null): boolean {
  const net = network as unknown as AnyNetwork;
  switch (fault.kind) {
    case 'partition':
      net.heal();
      applyPartition(net, fault);
      return true;
    case 'isolateLeader':
      net.heal();
      if (leader !== null) net.isolate(leader);
      return true;
    case 'heal':
      net.heal();
      return true;
    case 'clog':
      net.clog(fault.node, fault.atMs + fault.durationMs);
      return true;
    case 'setNetwork':
      net.setParams(fault.params);
      return true;
    default:
      return false;
  }
}

function applyPartition(net: AnyNetwork, f: Extract<FaultEvent, { kind: 'partition' }>): void {
  switch (f.shape) {
    case 'symmetric':
      return net.partitionSymmetric(f.a, f.b);
    case 'oneWay':
      return net.partitionOneWay(f.from, f.to);
    case 'isolate':
      return net.isolate(f.node);
    case 'majorityMinority':
      return net.partitionSymmetric(f.majority, f.minority);
    case 'bridge':
      return net.partitionSymmetric(f.left, f.right);
  }
}
