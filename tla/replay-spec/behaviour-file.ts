/**
 * One TLC -simulate output file -> the states of one behaviour, each a map from variable name to
 * its TLA+ value. The file is a pseudo-module:
 *
 *   ---- MODULE <path> ----
 *   STATE_1 ==
 *   /\ x = <value>
 *   ...
 *   ====
 *
 * Malformed files raise BehaviourFileError naming the state and the reason.
 */
import { TlaReader, TlaValue, TlaValueParseError } from '../tla-value';

export type RawState = ReadonlyMap<string, TlaValue>;

export class BehaviourFileError extends Error {
  override readonly name = 'BehaviourFileError';
  constructor(readonly file: string, readonly state: number | null, readonly reason: string) {
    super(`${file}${state === null ? '' : ` STATE_${state}`}: ${reason}`);
  }
}

const STATE_HEADER = /^STATE_(\d+) ==\s*$/gm;
const MODULE_END = /^={4,}\s*$/m;

export function parseBehaviourFile(text: string, file = '<behaviour>'): RawState[] {
  if (!/^-{4,} MODULE /.test(text.trimStart())) throw new BehaviourFileError(file, null, 'not a TLC state file (no MODULE header)');
  const end = text.search(MODULE_END);
  if (end < 0) throw new BehaviourFileError(file, null, 'truncated: no closing ==== line');
  const body = text.slice(0, end);
  const headers = [...body.matchAll(STATE_HEADER)];
  if (headers.length === 0) throw new BehaviourFileError(file, null, 'no STATE_ definitions');
  return headers.map((header, k) => {
    const number = Number(header[1]);
    if (number !== k + 1) throw new BehaviourFileError(file, number, `expected STATE_${k + 1}`);
    const from = (header.index as number) + header[0].length;
    const to = k + 1 < headers.length ? (headers[k + 1].index as number) : body.length;
    return parseStateBody(body.slice(from, to), file, number);
  });
}

function parseStateBody(text: string, file: string, number: number): RawState {
  const reader = new TlaReader(text);
  const vars = new Map<string, TlaValue>();
  try {
    while (!reader.atEnd()) {
      reader.expect('/\\');
      const name = reader.ident();
      reader.expect('=');
      if (vars.has(name)) reader.fail(`variable ${name} appears twice`);
      vars.set(name, reader.value());
    }
  } catch (error) {
    if (error instanceof TlaValueParseError) throw new BehaviourFileError(file, number, error.message);
    throw error;
  }
  if (vars.size === 0) throw new BehaviourFileError(file, number, 'no variables');
  return vars;
}
