// Builds the Go example (examples/go-raft) for the tests and benchmarks that drive it. The build is
// offline and standard-library only; Go caches it, so a rebuild with nothing changed is quick.

import { execFileSync } from 'child_process';
import { join } from 'path';

export const GO_RAFT_DIR = join(__dirname, '..', '..', 'examples', 'go-raft');

/** Builds examples/go-raft and returns the binary's path. Throws with Go's own message if it fails. */
export function buildGoRaft(): string {
  const out = join(__dirname, '..', '..', '.cache', 'go-raft', 'go-raft');
  try {
    execFileSync('go', ['build', '-o', out, '.'], {
      cwd: GO_RAFT_DIR,
      env: { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`building examples/go-raft failed (Go 1.22 or later must be installed): ${err.stderr?.toString() || err.message}`);
  }
  return out;
}
