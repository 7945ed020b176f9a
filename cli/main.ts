// The raftbed command line: the command tree (cli/program.ts) with every command listed here and
// declared in the module that owns it, loaded only when that command runs. main() never exits the
// process: it returns the exit code (cli/exit-codes.ts), so tests run it in-process.

import { CommanderError } from 'commander';
import { PROCESS_IO, type CliDeps, type CliIo } from './io';
import { buildProgram, type CommandEntry, type RunContext } from './program';
import { EXIT_OK, EXIT_USAGE, exitCodeHelp } from './exit-codes';
import { classifyError } from './errors';
import { endQuietlyOnClosedStdout } from './closed-stdout';

export { endQuietlyOnClosedStdout };

/* eslint-disable @typescript-eslint/no-require-imports -- each command's declarations load on dispatch */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'sweep', summary: 'run many seeds in parallel under a fault profile (the main job)', load: () => require('./commands-sim').SWEEP },
  { name: 'merge', summary: 'join the --json reports of a sharded sweep (--shard i/n) into one summary', load: () => require('./commands-sim').MERGE },
  { name: 'run', summary: 'run one seed, optionally writing its trace', load: () => require('./commands-sim').RUN },
  { name: 'check-history', summary: 'check a recorded history (raftbed JSON or Jepsen EDN) for linearizability', load: () => require('./commands-sim').CHECK_HISTORY },
  { name: 'replay', summary: 're-run a trace or seed and prove the trace is identical', load: () => require('./commands-sim').REPLAY },
  { name: 'shrink', summary: 'reduce a failing run to a minimal fault schedule', load: () => require('./commands-sim').SHRINK },
  { name: 'view', summary: 'write a trace as one self-contained HTML page (lanes, messages, faults)', load: () => require('./commands-sim').VIEW },
  { name: 'bugs', summary: 'run the planted-bug catalogue and report time to detection', load: () => require('./commands-sim').BUGS },
  { name: 'bench', summary: 'measure simulator throughput (bench browser: the three-tab benchmark)', load: () => require('./commands-sim').BENCH },
  { name: 'tla', summary: 'TLA+ spec: check, validate traces, merge, replay-spec, bench', load: () => require('./commands-tla').TLA },
  { name: 'introducer', summary: 'start the WebSocket introducer for browser peers', load: () => require('./commands-browser').INTRODUCER },
  { name: 'demo', summary: 'start the introducer and demo, print three tab URLs', load: () => require('./commands-browser').DEMO },
];
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = {
  about: 'raftbed: a deterministic testbed for Raft. Every command takes -h/--help, -V/--version and --json.',
  epilog: exitCodeHelp,
  subcommands: COMMANDS,
};

export async function main(argv: readonly string[], io: CliIo = PROCESS_IO, deps: CliDeps = {}): Promise<number> {
  const ctx: RunContext = { io, deps, code: EXIT_OK, current: 'raftbed' };
  const program = buildProgram(ROOT, ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.code;
  } catch (e) {
    // commander has printed its message (or the help, or the version) already.
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    const { code, internal } = classifyError(e);
    const message = e instanceof Error ? (internal ? e.stack ?? e.message : e.message) : String(e);
    io.err(`${ctx.current}: ${internal ? 'internal error: ' : ''}${message}`);
    return code;
  }
}

if (require.main === module) {
  endQuietlyOnClosedStdout();
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
