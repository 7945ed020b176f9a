/** Where a command writes: injectable so tests can capture output without spawning processes. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readonly isTTY: boolean;
}

export const PROCESS_IO: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  isTTY: Boolean(process.stderr.isTTY),
};
