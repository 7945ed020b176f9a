// A core TestCluster whose every step and restart is recorded and judged by a SafetyChecker as it
// happens. Tests replay the recording into fresh checkers, with one event swapped for a doctored
// copy, to show a property catches exactly that change and nothing in the genuine run.

import { lastIndex, termAt, type Input, type NodeId, type Output } from '../../core';
import type { RaftState } from '../../core';
import type { ObservedLogReader, ObservedOutput, ObservedView } from '../../checkers/observed';
import { TestCluster, type ClusterOptions } from '../../core/testing/cluster';
import { SafetyChecker } from '../../checkers/safety';
import { SafetyViolation } from '../../checkers/violation';

export type CheckedEvent =
  | { readonly kind: 'step'; readonly node: NodeId; readonly input: Input; readonly before: RaftState; readonly after: RaftState; readonly output: Output }
  | { readonly kind: 'restart'; readonly node: NodeId; readonly state: RaftState };

export type StepEvent = Extract<CheckedEvent, { kind: 'step' }>;

export interface CheckedClusterOptions extends ClusterOptions {
  /**
   * 'eager': every write is made durable right after the step that issued it (the PersistAck is a
   * step of its own, so the checker sees the write before its acknowledgement). 'manual': the
   * test calls sync(id) itself, and a crash loses whatever was not synced.
   */
  readonly sync?: 'eager' | 'manual';
}

export class CheckedCluster extends TestCluster {
  readonly checker = new SafetyChecker();
  readonly events: CheckedEvent[] = [];
  private readonly eager: boolean;

  constructor(options: CheckedClusterOptions = {}) {
    // TestCluster's own autoSync acknowledges a write inside the step that issued it, before this
    // class could show the checker that step; syncing is therefore always done from here.
    super({ ...options, autoSync: false });
    this.eager = (options.sync ?? 'eager') === 'eager';
  }

  override input(id: NodeId, input: Input): Output {
    const before = this.state(id);
    const output = super.input(id, input);
    const after = this.state(id);
    const event: CheckedEvent = { kind: 'step', node: id, input, before, after, output };
    this.events.push(event);
    judgeStep(this.checker, event);
    if (this.eager && this.node(id).unsynced.length > 0) this.sync(id);
    return output;
  }

  override restart(id: NodeId): void {
    super.restart(id);
    const state = this.state(id);
    this.events.push({ kind: 'restart', node: id, state });
    this.checker.afterRestart(id, state);
  }

  /** Index of the first recorded event after `from` that satisfies `match`; throws if none does. */
  find(match: (e: CheckedEvent) => boolean, from = 0): number {
    for (let k = from; k < this.events.length; k++) if (match(this.events[k])) return k;
    throw new Error('no recorded event matches');
  }

  findStep(match: (e: StepEvent) => boolean, from = 0): number {
    return this.find((e) => e.kind === 'step' && match(e), from);
  }

  step(k: number): StepEvent {
    const e = this.events[k];
    if (e.kind !== 'step') throw new Error(`event ${k} is a ${e.kind}, not a step`);
    return e;
  }
}

/** What the protocol lets a driver see of core's state: the checker reads nothing else. */
export function observedView(s: RaftState): ObservedView {
  return { term: s.term, role: s.role, votedFor: s.votedFor, commitIndex: s.commitIndex, lastIndex: lastIndex(s.log), snapshotIndex: s.log.snapshotIndex };
}

/** The (index, term) pairs of core's log, as the fold of its persist records would give them. */
export function observedLog(s: RaftState): ObservedLogReader {
  return { termAt: (index) => termAt(s.log, index), snapshotIndex: s.log.snapshotIndex, lastIndex: lastIndex(s.log) };
}

export function observedOutput(o: Output): ObservedOutput {
  return { persist: o.persist === null ? [] : [o.persist], apply: o.apply, restore: o.restore, actions: o.actions };
}

function judgeStep(checker: SafetyChecker, e: StepEvent): void {
  checker.afterStep(e.node, e.input, observedView(e.before), observedView(e.after), observedOutput(e.output), observedLog(e.after));
}

export function feed(checker: SafetyChecker, event: CheckedEvent): void {
  if (event.kind === 'step') judgeStep(checker, event);
  else checker.afterRestart(event.node, event.state);
}

/** A fresh checker that has seen events [0, upTo) of a recording. */
export function checkerAfter(events: readonly CheckedEvent[], upTo: number): SafetyChecker {
  const checker = new SafetyChecker();
  for (let k = 0; k < upTo; k++) feed(checker, events[k]);
  return checker;
}

/** The SafetyViolation `action` throws, or a failure naming what it did instead. */
export function violationOf(action: () => void): SafetyViolation {
  try {
    action();
  } catch (e) {
    if (e instanceof SafetyViolation) return e;
    throw new Error(`expected a SafetyViolation, got ${String(e)}`);
  }
  throw new Error('expected a SafetyViolation, but nothing was thrown');
}

/**
 * The planted-violation experiment: two fresh checkers replay the recording up to (not including)
 * event `upTo`; one then gets the genuine event, which must be accepted, the other the doctored
 * one. Returns what the doctored replay threw, so a test can assert on its property and text.
 */
export function plant(events: readonly CheckedEvent[], upTo: number, doctored: CheckedEvent, genuine: CheckedEvent = events[upTo]): SafetyViolation {
  const control = checkerAfter(events, upTo);
  feed(control, genuine);
  return violationOf(() => feed(checkerAfter(events, upTo), doctored));
}
