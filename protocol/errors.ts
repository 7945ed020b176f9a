// Typed errors for a node that breaks the protocol. Every one names the node, the input it was
// answering (its number within the node's life, 1 being Init or Restart, and the input's text)
// and the offending output line, so that a report points at the exact exchange. A run that
// raises one of these has failed: it never counts as a pass.

/** How much of a line an error message quotes. The full line stays in `outputLine`. */
const QUOTE_CHARS = 300;

export interface ExchangeRef {
  readonly node: string;
  /** 1-based, within this life of the node: 1 is the Init or Restart line. */
  readonly inputNumber: number;
  /** The input as it was sent (its NDJSON line). */
  readonly inputLine: string;
}

function quote(line: string): string {
  return line.length > QUOTE_CHARS ? `${line.slice(0, QUOTE_CHARS)}... (${line.length} chars)` : line;
}

function inputType(inputLine: string): string {
  const m = /"type":"([A-Za-z]+)"/.exec(inputLine);
  return m ? m[1] : '?';
}

export type NodeProtocolErrorKind = 'ProtocolViolation' | 'MalformedOutput' | 'ExtraOutput' | 'NodeHang' | 'NodeExited' | 'NodeFatal';

export abstract class NodeProtocolError extends Error {
  abstract readonly kind: NodeProtocolErrorKind;
  readonly node: string;
  readonly inputNumber: number;
  readonly inputLine: string;
  /** The node's output line at fault, or null (a hang or an exit wrote none). */
  readonly outputLine: string | null;

  constructor(ref: ExchangeRef, outputLine: string | null, detail: string) {
    super(`${ref.node}, input #${ref.inputNumber} (${inputType(ref.inputLine)}): ${detail}${outputLine === null ? '' : `\n  line: ${quote(outputLine)}`}\n  input: ${quote(ref.inputLine)}`);
    this.node = ref.node;
    this.inputNumber = ref.inputNumber;
    this.inputLine = ref.inputLine;
    this.outputLine = outputLine;
  }
}

/** The output parsed as JSON but breaks the schema or a rule of the protocol; `field` is its JSON path. */
export class ProtocolViolation extends NodeProtocolError {
  override readonly name = 'ProtocolViolation';
  readonly kind = 'ProtocolViolation';
  constructor(ref: ExchangeRef, outputLine: string | null, readonly field: string, readonly rule: string) {
    super(ref, outputLine, `${field === '' ? 'the output' : field} ${rule}`);
  }
}

/** The output line is not JSON (or not one JSON object). */
export class MalformedOutput extends NodeProtocolError {
  override readonly name = 'MalformedOutput';
  readonly kind = 'MalformedOutput';
  constructor(ref: ExchangeRef, outputLine: string, readonly reason: string) {
    super(ref, outputLine, `output is not a JSON object: ${reason}`);
  }
}

/** A line arrived that answers no input: lock-step allows exactly one line per input. */
export class ExtraOutput extends NodeProtocolError {
  override readonly name = 'ExtraOutput';
  readonly kind = 'ExtraOutput';
  constructor(ref: ExchangeRef, outputLine: string) {
    super(ref, outputLine, 'wrote a second line for one input (lock-step allows exactly one)');
  }
}

/** No line within the driver's wall-clock limit. The limit only turns a hang into this error; it never steers a run. */
export class NodeHang extends NodeProtocolError {
  override readonly name = 'NodeHang';
  readonly kind = 'NodeHang';
  constructor(ref: ExchangeRef, readonly timeoutMs: number, readonly stderrTail: string) {
    super(ref, null, `no output line within ${timeoutMs} ms${stderrTail ? `; stderr ends with:\n${stderrTail}` : ''}`);
  }
}

/** The process ended (or never started) while the driver expected a line. */
export class NodeExited extends NodeProtocolError {
  override readonly name = 'NodeExited';
  readonly kind = 'NodeExited';
  constructor(ref: ExchangeRef, readonly exitCode: number | null, readonly signal: string | null, readonly stderrTail: string, spawnError?: string) {
    super(
      ref, null,
      `${spawnError ? `could not start: ${spawnError}` : `exited (${signal !== null ? `signal ${signal}` : `code ${exitCode}`})`} before answering${stderrTail ? `; stderr ends with:\n${stderrTail}` : ''}`,
    );
  }
}

/** The node said it cannot go on (`{"fatal": reason}`). */
export class NodeFatal extends NodeProtocolError {
  override readonly name = 'NodeFatal';
  readonly kind = 'NodeFatal';
  constructor(ref: ExchangeRef, outputLine: string | null, readonly reason: string) {
    super(ref, outputLine, `reported a fatal error: ${reason}`);
  }
}
