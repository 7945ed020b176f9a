// bin/raftbed picks what to run: the compiled CLI (dist/) when it is current or when there are no
// sources (an installed package), the TypeScript sources through ts-node when a checkout's dist/ is
// missing or older than a source file, and a clear message when neither can run. Checked on a
// miniature checkout whose two CLIs only say which one they are.

import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..');
const execFileP = promisify(execFile);

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('bin/raftbed: dist/ or the sources', () => {
  let dir = '';

  async function launch(): Promise<Ran> {
    try {
      const { stdout, stderr } = await execFileP(process.execPath, [join(dir, 'bin', 'raftbed'), '--help'], { cwd: dir });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
      return { code, stdout, stderr };
    }
  }

  /** Sets a file's mtime `seconds` from now. */
  const age = (path: string, seconds: number) => utimesSync(path, Date.now() / 1000 + seconds, Date.now() / 1000 + seconds);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'raftbed-launcher-'));
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(ROOT, 'bin', 'raftbed'), join(dir, 'bin', 'raftbed'));
    mkdirSync(join(dir, 'cli'));
    // The launcher's contract with the CLI module: main(), and the closed-stdout handler it installs.
    writeFileSync(join(dir, 'cli', 'main.ts'), "export async function main(): Promise<number> { console.log('sources'); return 0; }\nexport function endQuietlyOnClosedStdout(): void {}\n");
    writeFileSync(join(dir, 'cli', 'main.test.ts'), '// tests do not make dist/ stale\n');
    mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'cli', 'main.js'), "exports.main = async () => { console.log('dist'); return 0; };\nexports.endQuietlyOnClosedStdout = () => {};\n");
    writeFileSync(join(dir, 'dist', '.build-stamp'), 'stamp\n');
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', target: 'ES2022', strict: true } }));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    age(join(dir, 'cli', 'main.ts'), -60);
    age(join(dir, 'cli', 'main.test.ts'), 60);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs dist/ when it is newer than every source file (test files do not count)', async () => {
    expect(await launch()).toEqual({ code: 0, stdout: 'dist\n', stderr: '' });
  });

  it('runs the sources when a source file changed after the build, and when dist/ was never built', async () => {
    age(join(dir, 'cli', 'main.ts'), 60);
    expect(await launch()).toEqual({ code: 0, stdout: 'sources\n', stderr: '' });
    rmSync(join(dir, 'dist'), { recursive: true });
    expect(await launch()).toEqual({ code: 0, stdout: 'sources\n', stderr: '' });
  }, 60_000);

  it('says to build when dist/ is stale and ts-node is not installed', async () => {
    age(join(dir, 'cli', 'main.ts'), 60);
    rmSync(join(dir, 'node_modules'));
    const ran = await launch();
    expect(ran.code).toBe(3);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toMatch(/dist\/ is older than cli\/main\.ts, and ts-node .* is not installed .*: run `npm run build`/);
  });

  it('runs dist/ without looking for sources in an installed package, and refuses an incomplete one', async () => {
    rmSync(join(dir, 'cli'), { recursive: true });
    rmSync(join(dir, 'dist', '.build-stamp'));
    expect(await launch()).toEqual({ code: 0, stdout: 'dist\n', stderr: '' });
    rmSync(join(dir, 'dist'), { recursive: true });
    const ran = await launch();
    expect(ran.code).toBe(3);
    expect(ran.stderr).toMatch(/dist\/cli\/main\.js is missing .*reinstall/);
  });
});
