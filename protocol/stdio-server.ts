// Serves an in-process ProtocolNode over NDJSON on stdin/stdout, in lock-step: one input line in,
// exactly one output line out. Any TypeScript implementation of the protocol can be run as an
// out-of-process node this way (core is, through core-stdio.ts).
//
// A bad input line, a start line that is not Init or Restart, or an exception inside the node is
// answered with one `{"fatal": reason}` line, and the process exits with status 1.

import { decodeInput, encodeOutput, InputError } from './validate';
import type { NodeOutput, ProtocolNode, StartInput, StepInput } from './types';

export interface LineSink {
  write(line: string): void;
}

/** The protocol logic of a stdio node, without the streams: feed it lines, it writes lines. */
export class LineServer {
  private node: ProtocolNode | null = null;
  private dead = false;

  constructor(private readonly create: (start: StartInput) => ProtocolNode, private readonly out: LineSink, private readonly exit: (code: number) => void) {}

  /** Handles one input line (without its newline). */
  line(text: string): void {
    if (this.dead) return;
    let reply: NodeOutput;
    try {
      const input = decodeInput(text);
      if (this.node === null) {
        if (input.type !== 'Init' && input.type !== 'Restart') throw new InputError('type', `is ${input.type}, but the first line must be Init or Restart`);
        this.node = this.create(input);
        reply = this.node.start(input);
      } else {
        if (input.type === 'Init' || input.type === 'Restart') throw new InputError('type', `is ${input.type}, but this node has started already (a restart is a new process)`);
        reply = this.node.handle(input as StepInput);
      }
    } catch (e) {
      this.dead = true;
      this.out.write(`${JSON.stringify({ fatal: e instanceof Error ? `${e.name}: ${e.message}` : String(e) })}\n`);
      this.exit(1);
      return;
    }
    this.out.write(`${encodeOutput(reply)}\n`);
  }
}

/** Runs a LineServer on this process's stdin and stdout until stdin ends. */
export function serveStdio(create: (start: StartInput) => ProtocolNode): void {
  const server = new LineServer(create, { write: (line) => process.stdout.write(line) }, (code) => {
    process.exitCode = code;
    process.stdin.pause();
    process.stdin.destroy();
  });
  let buffer = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      server.line(line);
      nl = buffer.indexOf('\n');
    }
  });
  process.stdin.on('end', () => {
    if (buffer.length > 0) server.line(buffer);
  });
}
