// The raftbed command line. Each subcommand lives in its own module and is loaded on demand.

import { performance } from 'node:perf_hooks';
import { CliUsageError } from './args';
import { PROCESS_IO, type CliIo } from './io';
import { TraceFormatError } from '../trace/read';

const USAGE = `raftbed: a deterministic testbed for Raft

usage: raftbed COMMAND [flags]   (every command takes --help and --json)

  sweep        run many seeds in parallel under a fault profile (the main job)
  merge        join the --json reports of a sharded sweep (--shard i/n) into one summary
  run          run one seed, optionally writing its trace
  check-history check a recorded history (raftbed JSON or Jepsen EDN) for linearizability
  replay       re-run a trace or seed and prove the trace is identical
  shrink       reduce a failing run to a minimal fault schedule
  view         write a trace as one self-contained HTML page (lanes, messages, faults)
  bugs         run the planted-bug catalogue and report time to detection
  bench        measure simulator throughput (bench browser: the three-tab benchmark)
  tla          TLA+ spec: check, validate traces, replay-spec, bench
  introducer   start the WebSocket introducer for browser peers
  demo         start the introducer and demo, print three tab URLs`;

const now = () => performance.now();

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, () => Command> = {
  sweep: () => (argv, io) => require('./cmd-sweep').sweepCommand(argv, io, now),
  merge: () => require('./cmd-merge').mergeCommand,
  run: () => require('./cmd-run').runCommand,
  'check-history': () => require('./cmd-check-history').checkHistoryCommand,
  replay: () => require('./cmd-replay').replayCommand,
  shrink: () => require('./cmd-shrink').shrinkCommand,
  view: () => require('./cmd-view').viewCommand,
  bugs: () => (argv) => require('./cmd-bugs').runBugsCli(argv),
  bench: () => (argv, io) =>
    argv[0] === 'browser' ? require('./bench-browser').runBrowserBenchCli(argv.slice(1)) : require('./cmd-bench').benchCommand(argv, io, now),
  tla: () => (argv) => require('./tla').runTlaCli(argv),
  introducer: () => (argv) => require('./introducer').runIntroducerCli(argv),
  demo: () => (argv) => require('./demo').runDemoCli(argv),
};

/** Bad flags, bad files and bad contents: the user's to fix, so a message and exit 2, not a stack trace. */
const USAGE_ERRORS = new Set(['CliUsageError', 'TraceFormatError', 'FaultPlanError', 'SimConfigError', 'UnknownBugError', 'FaultProfileError', 'TlaReportError']);
const FILE_ERRORS = new Set(['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EEXIST']);

function isUsageError(e: unknown): boolean {
  // Duck-typed: errors from fs may come from another realm (worker, test VM) and fail instanceof.
  if (typeof e !== 'object' || e === null) return false;
  const { name, code } = e as { name?: unknown; code?: unknown };
  return e instanceof CliUsageError || e instanceof TraceFormatError || USAGE_ERRORS.has(String(name)) || FILE_ERRORS.has(String(code));
}

export async function main(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.err(`raftbed: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command()(rest, io);
  } catch (e) {
    if (isUsageError(e)) {
      io.err(`raftbed ${name}: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`raftbed: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 3;
    },
  );
}
