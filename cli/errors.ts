// What an error escaping a command means for its exit code. Errors are told apart by name, not
// instanceof: errors from fs, workers or a test VM may come from another realm, and matching names
// keeps this module from loading the drivers that define them.

import { EXIT_TOOL_FAILED, EXIT_TOOL_MISSING, EXIT_USAGE } from './exit-codes';

/** A mistake on the command line that the flag parser cannot see (a missing input, a bad combination). */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Bad flags, bad files and bad contents: the user's to fix, so a message and exit 2, not a stack trace. */
const USAGE_ERRORS = new Set([
  'CliUsageError', 'TraceFormatError', 'TraceIncompleteError', 'TraceVersionError', 'TraceChecksumError', 'TraceLineOrderError', 'TraceHeaderError',
  'FaultPlanError', 'SimConfigError', 'UnknownBugError', 'FaultProfileError', 'TlaReportError', 'IntroducerOptionError',
]);
const FILE_ERRORS = new Set(['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EEXIST']);
/** The machine lacks something raftbed runs: the TLC jar, java, chromium. */
const TOOL_MISSING = new Set(['TlcJarNotFoundError', 'TlcLaunchError', 'ChromiumMissingError']);
/** A tool ran but did not do its part (TLC generated no behaviours, or files raftbed cannot read). */
const TOOL_FAILED = new Set(['TlcGenerationError', 'BehaviourFileError']);

export interface Classified {
  readonly code: number;
  /** Print the stack: an internal error, which the user cannot fix and should report. */
  readonly internal: boolean;
}

export function classifyError(e: unknown): Classified {
  if (typeof e !== 'object' || e === null) return { code: EXIT_TOOL_FAILED, internal: true };
  const { name, code } = e as { name?: unknown; code?: unknown };
  if (USAGE_ERRORS.has(String(name)) || FILE_ERRORS.has(String(code))) return { code: EXIT_USAGE, internal: false };
  if (TOOL_MISSING.has(String(name))) return { code: EXIT_TOOL_MISSING, internal: false };
  if (TOOL_FAILED.has(String(name))) return { code: EXIT_TOOL_FAILED, internal: false };
  return { code: EXIT_TOOL_FAILED, internal: true };
}
