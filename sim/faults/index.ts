// Fault plans: what goes wrong, when. The fast-check arbitrary lives in ./arbitrary (it pulls in fast-check).
export { applyNetworkFault } from './apply-network';
export { describeFault, describeFaultPlan } from './describe';
export { finalizePlan, quietNetworkPatch } from './finalize';
export { FaultPlanError, parseFaultPlan, type ParseFaultPlanOptions } from './parse';
export { FAULT_CLASSES, FaultPlanOptionsError, generateFaultPlan, LEASE_UNSAFE_CLASSES, PREVOTE_NEEDED_CLASSES, profileClasses, type FaultClass, type FaultPlanOptions } from './profiles';
export * from './types';
