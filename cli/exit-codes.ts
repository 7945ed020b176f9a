// The exit codes of every raftbed command: one table, so that a script (or CI) can tell a failed
// check from a mistyped flag, a replay that diverged, and a machine that lacks a tool. README's
// "Exit codes" section and `raftbed --help` print this table; a test keeps them equal.

/** Everything as expected. */
export const EXIT_OK = 0;
/** A check failed: a violation, TLC rejected a trace, a planted bug escaped, a non-linearizable history. */
export const EXIT_CHECK_FAILED = 1;
/** A usage error: a bad flag or value, a missing, unreadable or malformed input file. */
export const EXIT_USAGE = 2;
/** A replay diverged: a trace (or a seed run twice) was not reproduced byte for byte. */
export const EXIT_REPLAY_DIVERGED = 3;
/** A required tool is missing: the TLC jar, java, chromium, go. */
export const EXIT_TOOL_MISSING = 4;
/** A tool failed (TLC crashed or gave unexpected output, a server could not start) or an internal error. */
export const EXIT_TOOL_FAILED = 5;
/** Undecided: a checker ran out of its budget before a verdict (check-history --time-limit, --max-steps). */
export const EXIT_UNDECIDED = 6;
/** Interrupted by Ctrl-C (SIGINT), after the partial summary. */
export const EXIT_INTERRUPTED = 130;

export const EXIT_CODES: readonly { readonly code: number; readonly meaning: string }[] = [
  { code: EXIT_OK, meaning: 'ok' },
  { code: EXIT_CHECK_FAILED, meaning: 'a check failed: a violation, TLC rejected a trace, a planted bug not caught, a non-linearizable history' },
  { code: EXIT_USAGE, meaning: 'usage error: a bad flag or value, a missing, unreadable or malformed input file' },
  { code: EXIT_REPLAY_DIVERGED, meaning: 'replay diverged: a trace not reproduced byte for byte' },
  { code: EXIT_TOOL_MISSING, meaning: 'a required tool is missing: the TLC jar, java, chromium, go' },
  { code: EXIT_TOOL_FAILED, meaning: 'a tool failed (TLC crashed or gave unexpected output, a server could not start) or an internal error' },
  { code: EXIT_UNDECIDED, meaning: 'undecided: a checker ran out of its budget before a verdict (check-history)' },
  { code: EXIT_INTERRUPTED, meaning: 'interrupted (Ctrl-C), after printing what was finished' },
];

/** The table as `raftbed --help` prints it. */
export function exitCodeHelp(): string {
  return ['Exit codes:', ...EXIT_CODES.map((e) => `  ${String(e.code).padStart(3)}  ${e.meaning}`)].join('\n');
}
