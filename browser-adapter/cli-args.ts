// A small flag parser shared by `raftbed demo` and `raftbed bench browser`: --flag value or
// --flag=value, each flag at most once, unknown flags refused by name.

export class CliArgsError extends Error {
  override readonly name = 'CliArgsError';
}

export function parseFlags(argv: readonly string[], valueFlags: readonly string[], booleanFlags: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (booleanFlags.includes(flag)) {
      if (eq > 0 && arg.startsWith('--')) throw new CliArgsError(`${flag} takes no value`);
      out.set(flag, 'true');
      continue;
    }
    if (!valueFlags.includes(flag)) throw new CliArgsError(`${arg}: unknown argument (see --help)`);
    if (out.has(flag)) throw new CliArgsError(`${flag} given more than once`);
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new CliArgsError(`${flag} needs a value`);
    out.set(flag, value);
  }
  return out;
}

export function numberFlag(flags: Map<string, string>, flag: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = flags.get(flag);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max) throw new CliArgsError(`${flag} must be a number in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  return v;
}
