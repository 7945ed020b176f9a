// A fluent script over the simulator: faults, traffic control and client operations at chosen
// virtual times, plus expectations, e.g.
//
//   scenario({ nodes: 3 }).at(500).isolate((c) => c.leader()).at(900).heal().expect(1500, (c) => ...).run()
//
// `.at(ms)` moves a cursor; every action after it happens at that time, in the order written.
// `.expect(ms, fn)` does not move the cursor. Nothing runs until `.run()`, which builds the
// simulation through runPlan (so scenarios and property suites share one harness).

import type { KvOp } from '../../core';
import type { ConfChange, Message, NodeId, NodeOutput, StepInput } from '../../protocol/types';
import type { FaultEvent, FaultPlan } from '../faults';
import { CALM_NETWORK, patchNetworkParams, type NetworkParamsPatch } from '../network/network';
import type { PlantedBug } from '../bugs/types';
import type { TraceSink } from '../../trace/sink';
import type { Simulation } from '../cluster/simulation';
import { SafetyViolation } from '../../checkers/violation';
import { runPlan, type PlanConfig, type PlanOutcome } from '../properties/run-plan';
import { ClientOpTracker, type ScenarioOp } from './client-ops';
import { ScenarioContext, ScenarioError } from './context';
import { anyMessage, not, type MessagePredicate } from './predicates';

export interface ScenarioOptions {
  readonly nodes?: number;
  readonly seed?: number;
  readonly durationMs?: number;
  /** Background workload clients (default 0: only the script's own operations). */
  readonly clients?: number;
  /** Network at time 0, as a patch over the calm network. */
  readonly network?: NetworkParamsPatch;
  /**
   * When the script's faults are over. Liveness is checked from then on (leader within
   * livenessLeaderBoundMs, operations complete). Default: never, because scripts often keep a
   * cluster unavailable on purpose.
   */
  readonly quietAfterMs?: number;
  /** Any other simulator settings (raft timeouts, snapshot frequency, ...). */
  readonly config?: PlanConfig;
  readonly bug?: PlantedBug;
  readonly trace?: TraceSink;
}

export type NodeRef = NodeId | ((ctx: ScenarioContext) => NodeId);
export type ScenarioAction = (ctx: ScenarioContext) => void;
export type ScenarioStepObserver = (node: NodeId, input: StepInput, output: NodeOutput, ctx: ScenarioContext) => void;

interface ScriptStep {
  readonly atMs: number;
  readonly run: ScenarioAction;
  /** Set for expectations, so run() can tell if one was never reached. */
  readonly expectation?: { readonly name: string; reached: boolean };
}

export interface ScenarioResult {
  readonly outcome: PlanOutcome;
  /** The safety (or linearizability) violation the run found, or null. */
  readonly violation: PlanOutcome['violation'];
  /** Expectations a violation kept from running (never non-empty without a violation). */
  readonly unreachedExpectations: readonly string[];
  readonly ctx: ScenarioContext;
  readonly sim: Simulation;
  readonly ops: readonly ScenarioOp[];
  op(label: string): ScenarioOp;
}

const resolve = (ref: NodeRef, ctx: ScenarioContext): NodeId => (typeof ref === 'function' ? ref(ctx) : ref);

export class Scenario {
  private cursorMs = 0;
  private readonly steps: ScriptStep[] = [];
  private readonly observers: ScenarioStepObserver[] = [];

  constructor(private readonly options: ScenarioOptions = {}) {}

  /** Later actions happen at `ms` (virtual milliseconds since the start). */
  at(ms: number): this {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new ScenarioError(`at(${ms}): a time must be a finite number >= 0`);
    this.cursorMs = ms;
    return this;
  }

  /** Later actions happen `ms` after the current cursor. */
  after(ms: number): this {
    return this.at(this.cursorMs + ms);
  }

  do(action: ScenarioAction): this {
    this.steps.push({ atMs: this.cursorMs, run: action });
    return this;
  }

  /**
   * From the cursor on, checks `condition` every `everyMs` and runs `action` the first time it
   * holds (e.g. "crash everyone the moment this write commits"). Fails the scenario if it still
   * does not hold at `withinMs` after the cursor.
   */
  when(condition: (ctx: ScenarioContext) => boolean, action: ScenarioAction, opts: { everyMs?: number; withinMs?: number } = {}): this {
    const everyMs = opts.everyMs ?? 1;
    const deadline = this.cursorMs + (opts.withinMs ?? 1_000);
    const poll = (ctx: ScenarioContext): void => {
      if (condition(ctx)) return action(ctx);
      if (ctx.nowMs + everyMs > deadline) throw new ScenarioError(`a when() condition set at ${this.cursorMs} ms still did not hold at ${ctx.nowMs} ms`);
      ctx.sim.at(ctx.nowMs + everyMs, () => poll(ctx));
    };
    return this.do(poll);
  }

  // ---- faults: applied exactly as a fault plan would apply them ----

  fault(event: FaultEvent | ((ctx: ScenarioContext) => FaultEvent)): this {
    return this.do((ctx) => ctx.sim.applyFault({ atMs: ctx.nowMs, ...(typeof event === 'function' ? event(ctx) : event) }));
  }

  isolate(node: NodeRef): this {
    return this.fault((ctx) => ({ kind: 'partition', shape: 'isolate', node: resolve(node, ctx) }));
  }

  /** Replaces any partition with one between groups `a` and `b` (other links untouched). */
  partition(a: readonly NodeRef[], b: readonly NodeRef[]): this {
    return this.fault((ctx) => ({ kind: 'partition', shape: 'symmetric', a: a.map((x) => resolve(x, ctx)), b: b.map((x) => resolve(x, ctx)) }));
  }

  /** Cuts `group` off from every other node. */
  partitionOff(group: readonly NodeRef[]): this {
    return this.fault((ctx) => {
      const a = group.map((x) => resolve(x, ctx));
      return { kind: 'partition', shape: 'symmetric', a, b: ctx.sim.nodeIds.filter((n) => !a.includes(n)) };
    });
  }

  heal(): this {
    return this.fault({ kind: 'heal' });
  }

  crash(node: NodeRef): this {
    return this.fault((ctx) => ({ kind: 'crash', node: resolve(node, ctx) }));
  }

  restart(node: NodeRef): this {
    return this.fault((ctx) => ({ kind: 'restart', node: resolve(node, ctx) }));
  }

  crashAll(): this {
    return this.do((ctx) => ctx.sim.nodeIds.forEach((node) => ctx.sim.applyFault({ atMs: ctx.nowMs, kind: 'crash', node })));
  }

  restartAll(): this {
    return this.do((ctx) => ctx.sim.nodeIds.forEach((node) => ctx.sim.applyFault({ atMs: ctx.nowMs, kind: 'restart', node })));
  }

  pause(node: NodeRef, durationMs: number): this {
    return this.fault((ctx) => ({ kind: 'pause', node: resolve(node, ctx), durationMs }));
  }

  setNetwork(params: NetworkParamsPatch): this {
    return this.fault({ kind: 'setNetwork', params });
  }

  // ---- traffic control: scripted network filters ----

  /** From now on, messages matching `pred` are held (neither delivered nor lost) until released. */
  hold(pred: MessagePredicate): this {
    return this.do((ctx) => this.filters(ctx).push(ctx.sim.network.addFilter((m) => (pred(m) ? 'hold' : 'pass'))));
  }

  /**
   * Delivers the held messages matching `pred` now, oldest first, unless the target is down or the
   * link is partitioned at this moment (then they are lost). Holding filters stay in place.
   */
  release(pred: MessagePredicate = anyMessage): this {
    return this.do((ctx) => {
      const net = ctx.sim.network;
      for (const m of net.releaseHeld(pred)) deliverNow(ctx, m);
    });
  }

  /** Held messages matching `pred` are lost, as if the network had dropped them. */
  discardHeld(pred: MessagePredicate = anyMessage): this {
    return this.do((ctx) => void ctx.sim.network.releaseHeld(pred));
  }

  /** From now on, messages matching `pred` are lost. */
  drop(pred: MessagePredicate): this {
    return this.do((ctx) => this.filters(ctx).push(ctx.sim.network.addFilter((m) => (pred(m) ? 'drop' : 'pass'))));
  }

  /** From now on, only messages matching `pred` get through; the rest are lost. */
  deliverOnly(pred: MessagePredicate): this {
    return this.drop(not(pred));
  }

  /** Removes every hold, drop and deliverOnly filter (held messages stay held until released). */
  clearFilters(): this {
    return this.do((ctx) => {
      const ids = this.filters(ctx);
      for (const id of ids.splice(0)) ctx.sim.network.removeFilter(id);
    });
  }

  // ---- client operations, sent straight to a node as core inputs ----

  /** Proposes one operation, or several as one batch (consecutive entries). Labels name them for expectations. */
  propose(node: NodeRef, op: KvOp | readonly KvOp[], label?: string): this {
    return this.do((ctx) => {
      ctx.tracker.propose(ctx.sim, resolve(node, ctx), Array.isArray(op) ? (op as KvOp[]) : [op as KvOp], label);
    });
  }

  read(node: NodeRef, key: string, label?: string): this {
    return this.do((ctx) => {
      ctx.tracker.read(ctx.sim, resolve(node, ctx), key, label);
    });
  }

  // ---- membership: configuration changes proposed to a node (the leader by default) ----

  /**
   * Proposes a configuration change (ProposeConfChange) to `opts.at`, by default the current
   * leader. Its outcome (accepted, or the typed refusal) is `ctx.confChange(label)`.
   */
  confChange(changes: readonly ConfChange[] | ((ctx: ScenarioContext) => readonly ConfChange[]), opts: { at?: NodeRef; leaveJoint?: 'auto' | 'explicit'; label?: string } = {}): this {
    const label = opts.label ?? `conf${this.steps.length}`;
    return this.do((ctx) => {
      const node = resolve(opts.at ?? ((c) => c.leader()), ctx);
      const list = typeof changes === 'function' ? changes(ctx) : changes;
      const input: StepInput = { type: 'ProposeConfChange', requestId: label, changes: list, ...(opts.leaveJoint !== undefined ? { leaveJoint: opts.leaveJoint } : {}) };
      ctx.confChanges.set(label, { node, accepted: false, refusal: null, errors: [] });
      ctx.sim.stepNode(ctx.node(node), input);
    });
  }

  /** A node outside the configuration joins as a learner. */
  addLearner(node: NodeRef, label?: string): this {
    return this.confChange((ctx) => [{ kind: 'AddLearner', node: resolve(node, ctx) }], { label });
  }

  /** Adds a voter, or promotes a learner to voter. */
  addVoter(node: NodeRef, label?: string): this {
    return this.confChange((ctx) => [{ kind: 'AddVoter', node: resolve(node, ctx) }], { label });
  }

  removeNode(node: NodeRef, label?: string): this {
    return this.confChange((ctx) => [{ kind: 'RemoveNode', node: resolve(node, ctx) }], { label });
  }

  /** One joint change: `incoming` becomes a voter as `outgoing` leaves (EnterJoint, then LeaveJoint). */
  replaceNode(outgoing: NodeRef, incoming: NodeRef, label?: string): this {
    return this.confChange((ctx) => [{ kind: 'AddVoter', node: resolve(incoming, ctx) }, { kind: 'RemoveNode', node: resolve(outgoing, ctx) }], { label });
  }

  /** Leaves a joint configuration entered with leaveJoint 'explicit'. */
  leaveJoint(label?: string): this {
    return this.confChange([], { label });
  }

  // ---- judging ----

  /** Runs `check` at `ms` (the cursor does not move). A check that throws fails the scenario. */
  expect(ms: number, check: ScenarioAction, name = `expectation at ${ms} ms`): this {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new ScenarioError(`expect(${ms}): a time must be a finite number >= 0`);
    this.steps.push({ atMs: ms, run: check, expectation: { name, reached: false } });
    return this;
  }

  /** Watches every step of every node (after any planted bug), e.g. to count messages. */
  observe(observer: ScenarioStepObserver): this {
    this.observers.push(observer);
    return this;
  }

  run(): ScenarioResult {
    const o = this.options;
    const durationMs = o.durationMs ?? o.config?.durationMs ?? 3_000;
    for (const s of this.steps) {
      if (s.atMs > durationMs) throw new ScenarioError(`a step at ${s.atMs} ms is after the end of the run (${durationMs} ms)`);
    }
    const plan: FaultPlan = {
      network: patchNetworkParams(CALM_NETWORK, o.network ?? {}),
      schedule: [],
      quietAfterMs: o.quietAfterMs ?? durationMs,
    };
    const config: PlanConfig = {
      ...o.config,
      nodes: o.nodes ?? o.config?.nodes ?? 5,
      durationMs,
      workload: { ...o.config?.workload, clients: o.clients ?? o.config?.workload?.clients ?? 0 },
    };
    const tracker = new ClientOpTracker();
    let ctx: RunContext | null = null;
    const outcome = runPlan(o.seed ?? 1, plan, config, {
      bug: o.bug,
      trace: o.trace,
      observe: (node, input, output) => {
        tracker.observe(node, input, output);
        if (input.type === 'ProposeConfChange' && ctx !== null) recordConfChange(ctx, node, input.requestId, output);
        if (ctx !== null) for (const w of this.observers) w(node, input, output, ctx);
      },
      prepare: (sim) => {
        tracker.attach(sim);
        const c = new RunContext(sim, tracker);
        ctx = c;
        for (const s of this.steps) sim.at(s.atMs, () => runStep(s, c));
      },
    });
    const c = ctx as RunContext | null;
    if (c === null) throw new ScenarioError('the simulation never started');
    const unreached = this.steps.filter((s) => s.expectation && !s.expectation.reached).map((s) => s.expectation!.name);
    // A violation ends the run early and is itself the result; otherwise a missed check is a script error.
    if (unreached.length > 0 && outcome.violation === null) throw new ScenarioError(`never reached ${unreached.join(', ')}: the run ended first`);
    return {
      outcome, violation: outcome.violation, unreachedExpectations: unreached, ctx: c, sim: c.sim, ops: tracker.ops, op: (label) => tracker.find(label),
    };
  }

  private filters(ctx: ScenarioContext): number[] {
    return (ctx as RunContext).filterIds;
  }
}

/** The context plus the bookkeeping only the builder needs. */
class RunContext extends ScenarioContext {
  readonly filterIds: number[] = [];
}

function runStep(step: ScriptStep, ctx: ScenarioContext): void {
  try {
    step.run(ctx);
    if (step.expectation) step.expectation.reached = true;
  } catch (e) {
    // A safety violation inside an action (e.g. at a restart) is the simulator's to record.
    if (!(e instanceof SafetyViolation) && e instanceof Error) e.message = `[scenario, ${ctx.nowMs} ms${step.expectation ? `, ${step.expectation.name}` : ''}] ${e.message}`;
    throw e;
  }
}

function recordConfChange(ctx: ScenarioContext, node: NodeId, requestId: string, output: NodeOutput): void {
  const errors = output.errors.filter((e) => 'requestId' in e && e.requestId === requestId);
  const refused = errors.find((e) => e.type === 'ConfChangeRejected');
  const accepted = output.proposed.some((p) => p.requestId === requestId);
  // A planted bug may continue a refused step: the later result (appended) wins.
  if (ctx.confChanges.get(requestId)?.accepted && !accepted) return;
  ctx.confChanges.set(requestId, { node, accepted, refusal: refused?.type === 'ConfChangeRejected' ? refused.reason : null, errors });
}

/** A released message arrives now, unless its target is down or the link is cut. */
function deliverNow(ctx: ScenarioContext, m: Message): void {
  const target = ctx.sim.nodeById(m.to);
  if (!target.up || ctx.sim.network.isBlocked(m.from, m.to)) return;
  ctx.sim.stepNode(target, { type: 'Receive', message: m });
}

export function scenario(options: ScenarioOptions = {}): Scenario {
  return new Scenario(options);
}
