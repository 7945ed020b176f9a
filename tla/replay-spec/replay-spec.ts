/**
 * `raftbed tla replay-spec`: TLC generates random behaviours of ReplaySpec.tla and each is replayed
 * against core's step function (see docs/replay-spec.md).
 */
import { GenerateOptions, generateBehaviours } from './run-tlc';
import { BehaviourReplay, Disagreement, ReplayOptions, replayBehaviour } from './replay';

export interface ReplaySpecOptions extends GenerateOptions {
  /** Wraps core's step (planted-bug tests). */
  readonly step?: ReplayOptions['step'];
}

export interface ReplaySpecReport {
  readonly passed: boolean;
  readonly seed: number;
  readonly depth: number;
  readonly preVote: boolean;
  readonly behaviours: number;
  readonly steps: number;
  readonly leadersElected: number;
  /** Behaviours in which some entry was committed. */
  readonly behavioursWithCommits: number;
  readonly disagreements: readonly Disagreement[];
  readonly tlcMs: number;
  readonly replayMs: number;
  readonly replays: readonly BehaviourReplay[];
}

export async function runReplaySpec(options: ReplaySpecOptions): Promise<ReplaySpecReport> {
  const { behaviours, tlc } = await generateBehaviours(options);
  const started = Date.now();
  const replays = behaviours.map((b) => replayBehaviour(b, { preVote: options.preVote, seed: options.seed, step: options.step }));
  const replayMs = Date.now() - started;
  const disagreements = replays.flatMap((r) => (r.disagreement ? [r.disagreement] : []));
  return {
    passed: disagreements.length === 0,
    seed: options.seed,
    depth: options.depth,
    preVote: options.preVote,
    behaviours: replays.length,
    steps: replays.reduce((n, r) => n + r.steps, 0),
    leadersElected: replays.reduce((n, r) => n + r.leadersElected, 0),
    behavioursWithCommits: replays.filter((r) => r.maxCommitIndex > 0).length,
    disagreements,
    tlcMs: tlc.durationMs,
    replayMs,
    replays,
  };
}
