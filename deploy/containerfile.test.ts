// A static check of deploy/Containerfile (no container engine runs where the tests run): the stages
// exist, the build stage has every source directory cli/main.ts reaches and builds dist/ from them,
// and the runtime stage runs the built CLI (dist/, bin/, production dependencies; no sources or
// TypeScript tooling) as the Job's non-root user.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { sweepJob } from './k8s/job';

const ROOT = join(__dirname, '..');
const text = readFileSync(join(__dirname, 'Containerfile'), 'utf8');
const instructions = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).join('\n').replace(/\\\n/g, ' ').split('\n');

function stages(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of instructions) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)$/i.exec(line);
    if (from) out.set(from[1], (current = []));
    else current.push(line);
  }
  return out;
}

/** Top-level directories the CLI loads: every folder reached by following relative imports (and lazy requires) from cli/main.ts. */
function directoriesTheCliLoads(): string[] {
  const seen = new Set<string>();
  const pending = [join(ROOT, 'cli', 'main.ts')];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s*|require\(\s*|import\(\s*)'(\.{1,2}\/[^']+)'/g)) {
      const base = join(dirname(file), m[1]);
      const target = [`${base}.ts`, join(base, 'index.ts'), base].find((c) => existsSync(c) && c.endsWith('.ts'));
      if (target) pending.push(target);
    }
  }
  const dirs = new Set(['bin']);
  for (const file of seen) dirs.add(relative(ROOT, file).split(sep)[0]);
  return [...dirs].sort();
}

describe('deploy/Containerfile', () => {
  const s = stages();
  const runtime = s.get('runtime')!;

  it('has the dependency, build, prune, mutation and runtime stages; runtime is the last (the default target)', () => {
    expect([...s.keys()]).toEqual(['deps', 'build', 'mutation', 'prune', 'runtime']);
    expect(s.get('deps')).toContain('RUN npm ci --ignore-scripts');
    expect(s.get('build')).toContain('RUN npx tsc -p tsconfig.json --noEmit');
    expect(s.get('build')).toContain('RUN npm run build');
  });

  it('prunes every dev dependency and installs nothing back: the runtime runs compiled JavaScript', () => {
    expect(s.get('prune')).toEqual(['RUN npm prune --omit=dev']);
    expect(runtime.join('\n')).not.toMatch(/ts-node|typescript|npm install/);
    // bin/raftbed runs dist/ whenever the TypeScript sources are absent, as in this image.
    const launcher = readFileSync(join(ROOT, 'bin', 'raftbed'), 'utf8');
    expect(launcher).toContain("join(ROOT, 'dist', 'cli', 'main.js')");
    expect(launcher).toContain("if (!existsSync(join(ROOT, 'cli', 'main.ts'))) return existsSync(BUILT) ? null");
  });

  it('runs bin/raftbed as the non-root user the Job expects, with raftbed on PATH for the pod script', () => {
    expect(runtime).toContain('ENTRYPOINT ["/app/bin/raftbed"]');
    const pod = sweepJob().toJSON().spec!.template.spec!.securityContext!;
    expect(runtime).toContain(`USER ${pod.runAsUser}:${pod.runAsGroup}`);
    expect(runtime.join('\n')).toContain('ln -s /app/bin/raftbed /usr/local/bin/raftbed');
    expect(runtime).toContain('COPY --from=prune /app/node_modules ./node_modules');
  });

  it('copies every directory the CLI loads into the build stage, and only the built package into the runtime stage', () => {
    const copied = (lines: string[]) => new Set(lines.filter((l) => l.startsWith('COPY')).flatMap((l) => l.split(/\s+/).slice(1, -1)).map((p) => p.replace(/^--from=\w+$/, '').replace(/^\/app\//, '')).filter((p) => p !== ''));
    const build = copied([...s.get('deps')!, ...s.get('build')!]);
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts']) expect(build).toContain(file);
    for (const dir of directoriesTheCliLoads()) expect(build).toContain(dir);
    expect([...copied(runtime)].sort()).toEqual(['bin', 'dist', 'node_modules', 'package-lock.json', 'package.json']);
  });
});
