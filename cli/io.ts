/** Where a command writes: injectable so tests can capture output without spawning processes. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readonly isTTY: boolean;
  /** Raw text for a self-rewriting progress line (stderr; absent: process.stderr). */
  progress?(text: string): void;
}

export const PROCESS_IO: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  isTTY: Boolean(process.stderr.isTTY),
  progress: (text) => process.stderr.write(text),
};

export type StopSignal = 'SIGTERM' | 'SIGINT';

/**
 * What commands touch outside their flags, replaceable by tests: the wall clock, where the TLC
 * jar is, the environment, signals. Each is optional; commands fall back to the real thing.
 */
export interface CliDeps {
  /** Wall-clock milliseconds, for progress lines and benchmarks (never the simulated world's). */
  readonly now?: () => number;
  /** Finds the TLC jar (tests replace it to simulate a missing one). */
  readonly findJar?: () => string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Subscribes to a termination signal; returns an unsubscribe function. */
  readonly onSignal?: (signal: StopSignal, handler: () => void) => () => void;
  /** Called once a server is listening (tests use it to find the port). */
  readonly onListening?: (handle: import('../introducer/server').IntroducerHandle) => void;
  /** sweep: plant a harness fault from this module (its `plantedBug` export) in workers and parent. */
  readonly sweepBugModule?: string;
  /** tla replay-spec: replaces core's step function (tests plant bugs with it). */
  readonly replaySpecStep?: import('../tla/replay-spec/core-harness').StepFunction;
}

export function processSignals(signal: StopSignal, handler: () => void): () => void {
  process.on(signal, handler);
  return () => process.off(signal, handler);
}
