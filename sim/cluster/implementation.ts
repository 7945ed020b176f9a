// Which Raft the simulator drives, always through the node protocol (docs/node-protocol.md):
//
//   core (default)  raftbed's core in process (CoreProtocolNode): no JSON, no schema validation,
//                   no conformance wrapper on the hot path; planted bugs wrap core's step inside it.
//   module          a JS/TS module exporting a ProtocolNode factory, in process.
//   command         one process per node life over NDJSON stdio (ProcessDriver).
//
// An implementation other than core is held to the protocol's conformance rules on every output
// (CheckedNode), since the simulator's disk and checkers rely on them.

import { isAbsolute, resolve } from 'node:path';
import { step as coreStep, type StepResult } from '../../core';
import { CheckedNode } from '../../protocol/conformance';
import { CoreProtocolNode, type CoreStepFn } from '../../protocol/core-node';
import { ProcessDriver } from '../../protocol/process-node';
import { PROTOCOL_VERSION, type Capability, type NodeId, type ProtocolNode, type ProtocolNodeFactory } from '../../protocol/types';
import type { PlantedBug } from '../bugs/types';
import { checkCoreStep } from '../checkers/core-step';
import type { ImplementationSpec, SimConfig } from '../config';
import type { RunOptionName } from '../run-option-names';

export interface Implementation {
  /** For reports: "raftbed-core", the module path, or the command. */
  readonly label: string;
  /** Not core: every output passes the conformance rules; Init gets no core-only `impl` options. */
  readonly external: boolean;
  /** A new life of node `id` (a process, for a command). */
  newLife(id: NodeId): ProtocolNode;
  /** Ends whatever the implementation still runs (processes, the IO worker). */
  close(): void;
}

/** A module given to `--impl` exports none of the accepted factory names. */
export class ImplementationLoadError extends Error {
  override readonly name = 'ImplementationLoadError';
}

/**
 * Core's step, with every state it returns held to LeaderBookkeeping: core's own records of its
 * followers, which no protocol view shows, so only the in-process core can be judged on them.
 */
function withLeaderBookkeeping(step: CoreStepFn): CoreStepFn {
  return (state, input) => {
    const results = step(state, input);
    // One result is the common case: checked without wrapping it in a list per step.
    if (!Array.isArray(results)) {
      const r = results as StepResult;
      checkCoreStep(state, input, r);
      return results;
    }
    for (const r of results as readonly StepResult[]) checkCoreStep(state, input, r);
    return results;
  };
}

export function coreImplementation(bug?: PlantedBug): Implementation {
  const stepped = bug?.step ? (bug.step(coreStep) as CoreStepFn) : coreStep;
  const step = bug?.viewsOnly ? stepped : withLeaderBookkeeping(stepped);
  const options = { step, restart: bug?.restart };
  return { label: 'raftbed-core', external: false, newLife: (id) => new CoreProtocolNode(id, options), close: () => undefined };
}

/**
 * A module's factory: `createNode`, `factory` or the default export, each `(id) => ProtocolNode`.
 * Resolved against the working directory when relative.
 */
export function loadFactoryModule(path: string): ProtocolNodeFactory {
  const full = isAbsolute(path) ? path : resolve(process.cwd(), path);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(full) as Record<string, unknown>;
  for (const name of ['createNode', 'factory', 'default']) {
    if (typeof mod[name] === 'function') return mod[name] as ProtocolNodeFactory;
  }
  throw new ImplementationLoadError(`${path} exports no ProtocolNode factory: export createNode(id), factory(id) or a default function returning a ProtocolNode`);
}

export interface ExternalOptions {
  /** Wall-clock limit per exchange with a process (turns a hang into NodeHang). */
  readonly stepTimeoutMs?: number;
  readonly startTimeoutMs?: number;
}

export function externalImplementation(spec: ImplementationSpec, options: ExternalOptions = {}): Implementation {
  if (spec.kind === 'module') {
    const factory = loadFactoryModule(spec.path);
    return { label: spec.path, external: true, newLife: (id) => new CheckedNode(factory(id)), close: () => undefined };
  }
  let driver: ProcessDriver | null = null;
  return {
    label: spec.command,
    external: true,
    newLife: (id) => {
      // The IO worker starts with the first node, so a run that never starts one costs nothing.
      driver ??= new ProcessDriver(spec.command, { stepTimeoutMs: options.stepTimeoutMs, startTimeoutMs: options.startTimeoutMs });
      return new CheckedNode(driver.factory(id));
    },
    close: () => driver?.close(),
  };
}

export function implementationFor(config: SimConfig, bug?: PlantedBug, options: ExternalOptions = {}): Implementation {
  return config.implementation === undefined ? coreImplementation(bug) : externalImplementation(config.implementation, options);
}

/**
 * What a run of `config` asks of the implementation that `capabilities` (its hello) lacks, each as
 * a sentence. A run with gaps is skipped, not failed: the implementation never claimed the feature.
 */
export function capabilityGaps(config: SimConfig, capabilities: ReadonlySet<Capability>, external: boolean): string[] {
  // Profiles adapt to what the implementation can do: without `snapshots` no Snapshot input is
  // sent, without `membership` the operator's changes do nothing, without `transferLeadership` a
  // swarm run's drawn transfers are not sent, and a swarm run draws no lease reads for anything
  // but core (sim/swarm-options.ts); coverage then demands none of it (CAPABILITY_COUNTERS). Only
  // what the user asked for by hand is a gap.
  const gaps: string[] = [];
  const byHand = (option: RunOptionName) => config.faults !== 'swarm' || (config.pinned ?? []).includes(option);
  if ((config.workload.transferMeanMs ?? 0) > 0 && !capabilities.has('transferLeadership') && byHand('transferMeanMs')) gaps.push('--transfer-every needs the transferLeadership capability');
  if (external && config.raft.leaseRead && byHand('leaseRead')) gaps.push('--lease-read is an option of raftbed\'s core (Init.impl), not of the protocol');
  return gaps;
}

/** The implementation cannot run what this config asks (capabilityGaps): the seed is skipped, with the reasons. */
export class CapabilityMissing extends Error {
  override readonly name = 'CapabilityMissing';
  constructor(readonly implementation: string, readonly gaps: readonly string[]) {
    super(`${implementation} cannot run this configuration: ${gaps.join('; ')}`);
  }
}

export interface ImplementationProbe {
  readonly label: string;
  /** The implementation's name and version, from its hello. */
  readonly implementation: string;
  readonly capabilities: readonly Capability[];
  /** What `config` asks that the implementation lacks (capabilityGaps): non-empty means skip. */
  readonly gaps: readonly string[];
}

/**
 * Starts one life of node n1 (Init), reads its hello and ends it: what a sweep checks before its
 * first seed, so that a profile the implementation cannot run is skipped with the reason instead
 * of failing every seed. Errors (a node that cannot even start) propagate, typed.
 */
export function probeImplementation(config: SimConfig, options: ExternalOptions = {}): ImplementationProbe {
  const impl = implementationFor(config, undefined, options);
  try {
    const voters = Array.from({ length: config.nodes }, (_, i) => `n${i + 1}`);
    const raft = { electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, preVote: true, checkQuorum: true, ...config.raft };
    const life = impl.newLife('n1');
    const out = life.start({
      type: 'Init', protocol: PROTOCOL_VERSION, id: 'n1', voters, seed: 0,
      options: { electionTimeoutTicks: raft.electionTimeoutTicks, heartbeatIntervalTicks: raft.heartbeatIntervalTicks, preVote: raft.preVote, checkQuorum: raft.checkQuorum },
    });
    life.kill();
    const capabilities = out.hello?.capabilities ?? [];
    return { label: impl.label, implementation: out.hello?.implementation ?? 'unknown', capabilities, gaps: capabilityGaps(config, new Set(capabilities), impl.external) };
  } finally {
    impl.close();
  }
}
