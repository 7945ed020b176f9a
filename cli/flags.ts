// Flags as data: each command declares its flags in a table of FlagSpecs, and addFlags turns the
// table into commander Options with a parser per kind. commander then refuses an unknown flag, a
// missing value or a bad one with a message naming the flag (exit 2); a flag given twice is
// refused here too (which one should win?). Commands read the values keyed by flag name.

import { InvalidArgumentError, Option, type Command } from 'commander';
import { EXIT_USAGE } from './exit-codes';

export type FlagKind = 'int' | 'number' | 'string' | 'bool' | 'choice';

export interface FlagSpec {
  readonly kind: FlagKind;
  readonly help: string;
  readonly min?: number;
  readonly max?: number;
  /** The allowed values of a 'choice' flag. */
  readonly choices?: readonly string[];
  /** A short spelling, e.g. '-o' for --output. */
  readonly alias?: string;
  /** The value's name in the help text (default N for numbers, VALUE for strings). */
  readonly value?: string;
  /** The command refuses to run without it. */
  readonly required?: boolean;
  /** May be given several times; the values are collected in order. */
  readonly repeatable?: boolean;
  /** Checks and converts a string value further (throws InvalidArgumentError saying what is wrong). */
  readonly parse?: (value: string) => unknown;
  /** The value when the flag is not given (commander shows it in the help). */
  readonly default?: string | number;
  /** Flags that cannot be given with this one. */
  readonly conflicts?: readonly string[];
}

export type FlagValue = string | number | boolean | readonly unknown[] | object;
/** The flags given, keyed by flag name without the dashes; a flag not given is absent. */
export type Flags = Readonly<Record<string, FlagValue | undefined>>;

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;

function inRange(n: number, min: number | undefined, max: number | undefined): number {
  if (min !== undefined && n < min) throw new InvalidArgumentError(`It must be at least ${min}.`);
  if (max !== undefined && n > max) throw new InvalidArgumentError(`It must be at most ${max}.`);
  return n;
}

/** A whole number within [min, max]. */
export function parseInteger(value: string, min?: number, max?: number): number {
  if (!INTEGER.test(value)) throw new InvalidArgumentError('It must be an integer.');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('It is out of range.');
  return inRange(n, min, max);
}

/** A plain decimal number within [min, max] (no exponents, no hex: what a person types). */
export function parseDecimal(value: string, min?: number, max?: number): number {
  if (!DECIMAL.test(value)) throw new InvalidArgumentError('It must be a number.');
  return inRange(Number(value), min, max);
}

/**
 * A string value. A value that looks like a flag is refused: `--trace --json` almost always
 * means the value was forgotten, not that the file is called "--json".
 */
export function parseText(value: string): string {
  if (/^--./.test(value)) throw new InvalidArgumentError('It looks like a flag: the value is missing.');
  return value;
}

/** `--shard i/n`: this machine runs the seeds whose position modulo n is i (0-based). */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError('It must look like i/n (e.g. 0/4).');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new InvalidArgumentError('It needs 0 <= i < n.');
  return { index, count };
}

/** How commander names a flag's value: `max-seeds` becomes `maxSeeds`. */
function attributeName(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function placeholder(s: FlagSpec): string {
  return s.value ?? (s.kind === 'int' || s.kind === 'number' ? 'N' : s.kind === 'choice' ? (s.choices ?? []).join('|') : 'VALUE');
}

function parserFor(s: FlagSpec): ((value: string) => unknown) | undefined {
  const check = s.parse;
  switch (s.kind) {
    case 'int':
      return (v) => parseInteger(v, s.min, s.max);
    case 'number':
      return (v) => parseDecimal(v, s.min, s.max);
    case 'string':
      return (v) => (check ? check(parseText(v)) : parseText(v));
    default:
      return undefined;
  }
}

/** One commander Option for a flag of the table. */
export function flagOption(name: string, s: FlagSpec): Option {
  const value = s.kind === 'bool' ? '' : ` <${placeholder(s)}>`;
  const option = new Option(`${s.alias === undefined ? '' : `${s.alias}, `}--${name}${value}`, s.help);
  if (s.kind === 'choice') option.choices([...(s.choices ?? [])]);
  const parse = parserFor(s);
  if (s.repeatable) option.argParser((v: string, previous: unknown[] | undefined) => [...(previous ?? []), parse ? parse(v) : v]);
  else if (parse) option.argParser((v: string) => parse(v));
  if (s.default !== undefined) option.default(s.default);
  if (s.required) option.makeOptionMandatory();
  if (s.conflicts) option.conflicts(s.conflicts.map(attributeName));
  return option;
}

/** Declares the flags of `spec` on `command`; a flag given twice (unless repeatable) is a usage error. */
export function addFlags(command: Command, spec: Readonly<Record<string, FlagSpec>>): Command {
  for (const [name, s] of Object.entries(spec)) {
    const option = flagOption(name, s);
    command.addOption(option);
    if (s.repeatable) continue;
    let seen = 0;
    command.on(`option:${option.name()}`, () => {
      seen++;
      if (seen === 2) command.error(`error: option '${option.flags}' given twice`, { code: 'raftbed.repeatedOption', exitCode: EXIT_USAGE });
    });
  }
  return command;
}

/** The flags given on the command line (or defaulted), keyed by flag name (`max-seeds`, not `maxSeeds`). */
export function flagValues(command: Command): Flags {
  const out: Record<string, FlagValue> = {};
  for (const option of command.options) {
    if (option.long === undefined || option.long === '--version') continue;
    // commander reads --no-x as "x, default true"; here it is the flag no-x, true when given.
    if (option.negate) {
      if (command.getOptionValueSource(option.attributeName()) === 'cli') out[option.long.slice(2)] = true;
      continue;
    }
    const value = command.getOptionValue(option.attributeName()) as FlagValue | undefined;
    if (value !== undefined) out[option.long.slice(2)] = value;
  }
  return out;
}
