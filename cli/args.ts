// Flag parsing shared by every raftbed command: each command declares its flags, and anything
// undeclared, missing a value, of the wrong type, or given twice is a CliUsageError naming the flag.

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export type FlagKind = 'int' | 'number' | 'string' | 'bool' | 'choice';

export interface FlagSpec {
  readonly kind: FlagKind;
  readonly help: string;
  readonly min?: number;
  readonly max?: number;
  /** The allowed values of a 'choice' flag. */
  readonly choices?: readonly string[];
  /** A short spelling, e.g. '-h' for --help or '-o' for --output. */
  readonly alias?: string;
  /** The value's name in the help text (default N for int, VALUE otherwise). */
  readonly value?: string;
}

export interface ParsedArgs {
  readonly flags: Readonly<Record<string, string | number | boolean>>;
  readonly positional: readonly string[];
}

/** `-x` or `--x`, but not `-` (conventionally stdin) nor a negative number. */
function looksLikeFlag(arg: string): boolean {
  return arg.startsWith('--') || (arg.length > 1 && arg.startsWith('-') && !/^-\d/.test(arg));
}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>, maxPositional = 0): ParsedArgs {
  const flags: Record<string, string | number | boolean> = {};
  const positional: string[] = [];
  const aliases = new Map(Object.entries(spec).flatMap(([name, s]) => (s.alias === undefined ? [] : [[s.alias, name] as const])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!looksLikeFlag(arg)) {
      if (positional.length >= maxPositional) throw new CliUsageError(`unexpected argument ${JSON.stringify(arg)}`);
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const typed = eq >= 0 ? arg.slice(0, eq) : arg;
    const name = typed.startsWith('--') ? typed.slice(2) : aliases.get(typed);
    const s = name === undefined ? undefined : spec[name];
    if (name === undefined || s === undefined) throw new CliUsageError(`unknown flag ${typed} (see --help)`);
    // A repeated flag is almost always a mistake (which one wins?), so it is refused, not resolved.
    if (name in flags) throw new CliUsageError(`--${name} given twice`);
    if (s.kind === 'bool') {
      if (eq >= 0) throw new CliUsageError(`${typed} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new CliUsageError(`${typed} needs a value`);
    flags[name] = flagValue(typed, s, value);
  }
  return { flags, positional };
}

function flagValue(typed: string, s: FlagSpec, value: string): string | number {
  if (s.kind === 'choice') {
    const choices = s.choices ?? [];
    if (!choices.includes(value)) throw new CliUsageError(`${typed} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
    return value;
  }
  if (s.kind === 'number') {
    const n = /^-?(\d+\.?\d*|\.\d+)$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(n)) throw new CliUsageError(`${typed} must be a number, got ${JSON.stringify(value)}`);
    if (s.min !== undefined && n < s.min) throw new CliUsageError(`${typed} must be at least ${s.min}, got ${n}`);
    if (s.max !== undefined && n > s.max) throw new CliUsageError(`${typed} must be at most ${s.max}, got ${n}`);
    return n;
  }
  if (s.kind !== 'int') return value;
  if (!/^-?\d+$/.test(value)) throw new CliUsageError(`${typed} must be an integer, got ${JSON.stringify(value)}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new CliUsageError(`${typed} is out of range`);
  if (s.min !== undefined && n < s.min) throw new CliUsageError(`${typed} must be at least ${s.min}, got ${n}`);
  if (s.max !== undefined && n > s.max) throw new CliUsageError(`${typed} must be at most ${s.max}, got ${n}`);
  return n;
}

/**
 * For commands that print their own usage text: the parsed flags, or the exit code when the run
 * ends here (2 after printing the error and usage, 0 after printing help for --help).
 */
export function parseOrExit(
  argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>, usage: string, out: (line: string) => void,
): ParsedArgs | number {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(argv, spec);
  } catch (e) {
    if (!(e instanceof CliUsageError)) throw e;
    out(`${e.message}\n\n${usage}`);
    return 2;
  }
  if (parsed.flags.help) {
    out(usage);
    return 0;
  }
  return parsed;
}

export function helpText(usage: string, spec: Readonly<Record<string, FlagSpec>>): string {
  return [`usage: ${usage}`, '', flagHelp(spec)].join('\n');
}

/** One line per flag: for commands whose help puts the flags among prose of their own. */
export function flagHelp(spec: Readonly<Record<string, FlagSpec>>): string {
  const lines: string[] = [];
  for (const [name, s] of Object.entries(spec)) {
    const placeholder = s.value ?? (s.kind === 'int' || s.kind === 'number' ? 'N' : s.kind === 'choice' ? (s.choices ?? []).join('|') : 'VALUE');
    const value = s.kind === 'bool' ? '' : ` ${placeholder}`;
    const alias = s.alias === undefined ? '' : `${s.alias}, `;
    lines.push(`  ${(`${alias}--${name}${value}`).padEnd(24)} ${s.help}`);
  }
  return lines.join('\n');
}

/** `--shard i/n`: this machine runs the seeds whose position modulo n is i (0-based). */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) throw new CliUsageError(`--shard must look like i/n (e.g. 0/4), got ${JSON.stringify(value)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new CliUsageError(`--shard ${value}: need 0 <= i < n`);
  return { index, count };
}
