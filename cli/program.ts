// The raftbed command tree on commander. Each command is declared by a CommandDef (flags,
// arguments, help, what runs), loaded only when that command is dispatched: `raftbed --help`
// reads none of them, `raftbed sweep --help` reads sweep's declarations but not the simulator that
// runs it (each run function requires its module on call).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { addFlags, flagValues, type FlagSpec, type Flags } from './flags';
import { EXIT_OK } from './exit-codes';
import type { CliDeps, CliIo } from './io';
import { PACKAGE_ROOT } from './package-root';

/** What a command's run function gets: its flags, its positional arguments, where to write. */
export interface Invocation {
  readonly flags: Flags;
  readonly args: readonly string[];
  readonly io: CliIo;
  readonly deps: CliDeps;
}

export interface CommandDef {
  /** Positional arguments, in commander's notation: '<trace>', '[files...]'. */
  readonly args?: readonly string[];
  readonly flags?: Readonly<Record<string, FlagSpec>>;
  /** The text above the flags in the command's own help. */
  readonly about?: string;
  /** Text below the flags (exit codes, notes); a function is called only when help is shown. */
  readonly epilog?: string | (() => string);
  /** Returns the exit code. A command with subcommands and no run only shows help. */
  readonly run?: (inv: Invocation) => Promise<number>;
  readonly subcommands?: readonly CommandEntry[];
}

/** A command as its parent lists it: the declaration is loaded on dispatch. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => CommandDef;
}

/** Every command gets --json: machine-readable output wherever there is output. */
export const JSON_FLAG: FlagSpec = { kind: 'bool', help: 'machine-readable output (JSON)' };

/** State of one `main` call: where to write, and what the command that ran returned. */
export interface RunContext {
  readonly io: CliIo;
  readonly deps: CliDeps;
  code: number;
  /** The command whose run function is executing, e.g. "raftbed tla check" (for error messages). */
  current: string;
}

let cachedVersion: string | undefined;

/** package.json's version (cli/package-root.ts knows where the package lives, from sources or a build). */
export function raftbedVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'raftbed' && pkg.version !== undefined) return (cachedVersion = pkg.version);
  } catch {
    // An incomplete install: say so in the version rather than fail the command.
  }
  return (cachedVersion = 'unknown');
}

export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** What every command has: --help, errors to stderr naming the command, no process.exit (--version: declare). */
function standardise(command: Command, ctx: RunContext): Command {
  const path = commandPath(command);
  return command
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .showHelpAfterError(`(see '${path} --help')`)
    .configureOutput({
      writeOut: (s) => ctx.io.out(s.replace(/\n$/, '')),
      writeErr: (s) => ctx.io.err(s.replace(/\n$/, '')),
      outputError: (s, write) => write(s.replace(/^error: /, `${path}: `)),
    });
}

/** Lists `entries` under `parent`, each declared in full only when it is the one dispatched. */
function addLazySubcommands(parent: Command, entries: readonly CommandEntry[], ctx: RunContext): void {
  parent.enablePositionalOptions();
  const byName = new Map(entries.map((e) => [e.name, e]));
  for (const e of entries) standardise(parent.command(e.name).summary(e.summary).description(e.summary), ctx);
  parent.hook('preSubcommand', (_parent, sub) => {
    const entry = byName.get(sub.name());
    if (entry !== undefined) declare(sub, entry.load(), ctx);
  });
}

function declare(command: Command, def: CommandDef, ctx: RunContext): void {
  if (def.about !== undefined) command.description(def.about);
  for (const a of def.args ?? []) command.argument(a);
  if (def.run !== undefined) addFlags(command, { ...def.flags, json: def.flags?.json ?? JSON_FLAG });
  else if (def.flags !== undefined) addFlags(command, def.flags);
  command.version(raftbedVersion(), '-V, --version', 'print the raftbed version');
  if (def.epilog !== undefined) {
    const epilog = def.epilog;
    command.addHelpText('after', () => `\n${typeof epilog === 'string' ? epilog : epilog()}`);
  }
  if (def.subcommands !== undefined) addLazySubcommands(command, def.subcommands, ctx);
  const run = def.run;
  if (run !== undefined) {
    command.action(async () => {
      ctx.current = commandPath(command);
      ctx.code = await run({ flags: flagValues(command), args: command.args, io: ctx.io, deps: ctx.deps });
    });
  }
}

/** The root command: `raftbed`, its subcommands listed, the exit-code table in its help. */
export function buildProgram(root: CommandDef & { readonly subcommands: readonly CommandEntry[] }, ctx: RunContext): Command {
  ctx.code = EXIT_OK;
  const program = standardise(new Command('raftbed'), ctx);
  declare(program, root, ctx);
  return program;
}
