// Flag parsing shared by every raftbed command: each command declares its flags, and anything
// undeclared, missing a value, or of the wrong type is a CliUsageError naming the flag.

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export type FlagKind = 'int' | 'string' | 'bool';

export interface FlagSpec {
  readonly kind: FlagKind;
  readonly help: string;
  readonly min?: number;
  readonly max?: number;
}

export interface ParsedArgs {
  readonly flags: Readonly<Record<string, string | number | boolean>>;
  readonly positional: readonly string[];
}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>, maxPositional = 0): ParsedArgs {
  const flags: Record<string, string | number | boolean> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      if (positional.length >= maxPositional) throw new CliUsageError(`unexpected argument ${JSON.stringify(arg)}`);
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const s = spec[name];
    if (s === undefined) throw new CliUsageError(`unknown flag --${name} (see --help)`);
    if (s.kind === 'bool') {
      if (eq >= 0) throw new CliUsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new CliUsageError(`--${name} needs a value`);
    if (s.kind === 'int') {
      if (!/^-?\d+$/.test(value)) throw new CliUsageError(`--${name} must be an integer, got ${JSON.stringify(value)}`);
      const n = Number(value);
      if (!Number.isSafeInteger(n)) throw new CliUsageError(`--${name} is out of range`);
      if (s.min !== undefined && n < s.min) throw new CliUsageError(`--${name} must be at least ${s.min}, got ${n}`);
      if (s.max !== undefined && n > s.max) throw new CliUsageError(`--${name} must be at most ${s.max}, got ${n}`);
      flags[name] = n;
    } else {
      flags[name] = value;
    }
  }
  return { flags, positional };
}

export function helpText(usage: string, spec: Readonly<Record<string, FlagSpec>>): string {
  const lines = [`usage: ${usage}`, ''];
  for (const [name, s] of Object.entries(spec)) {
    const value = s.kind === 'bool' ? '' : s.kind === 'int' ? ' N' : ' VALUE';
    lines.push(`  --${(name + value).padEnd(22)} ${s.help}`);
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
