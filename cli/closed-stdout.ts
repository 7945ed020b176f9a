// `raftbed --help | head -1`: the reader has gone, so there is nobody left to tell anything to.
// A closed stdout ends the command quietly and successfully, as other Unix tools do, rather than
// with an unhandled EPIPE stack. Both entry points install this: bin/raftbed and
// `node dist/cli/main.js` run directly.

export function endQuietlyOnClosedStdout(stdout: NodeJS.WriteStream = process.stdout): void {
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
