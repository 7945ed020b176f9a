// The import rules (.dependency-cruiser.cjs) can fail: each planted import below breaks one rule,
// in a throwaway tree that has the repository's folder names, and dependency-cruiser must name it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');
const FOLDERS = ['core', 'trace', 'checkers', 'linearizability', 'protocol', 'sim', 'tla', 'browser-adapter', 'introducer', 'viewer', 'cli'];

/** A clean tree: each folder has index.ts importing only what the rules allow. */
const CLEAN: Record<string, string> = {
  'core/index.ts': 'export const step = 1;\n',
  'trace/index.ts': "import { step } from '../core';\nexport const trace = step;\n",
  'checkers/index.ts': "import { step } from '../core';\nimport { trace } from '../trace';\nexport const checker = step + trace;\n",
  'linearizability/index.ts': 'export const lin = 1;\n',
  'protocol/index.ts': "import { step } from '../core';\nimport { trace } from '../trace';\nexport const protocol = step + trace;\n",
  'sim/index.ts': "import { step } from '../core';\nimport { checker } from '../checkers';\nimport { lin } from '../linearizability';\nexport const sim = step + checker + lin;\n",
  'tla/index.ts': "import { trace } from '../trace';\nexport const tla = trace;\n",
  'browser-adapter/index.ts': "import { checker } from '../checkers';\nimport { intro } from '../introducer';\nexport const browser = checker + intro;\n",
  'introducer/index.ts': 'export const intro = 1;\n',
  'viewer/index.ts': "import { sim } from '../sim';\nexport const viewer = sim;\n",
  'cli/index.ts': "import { sim } from '../sim';\nimport { tla } from '../tla';\nimport { browser } from '../browser-adapter';\nimport { viewer } from '../viewer';\nexport const cli = sim + tla + browser + viewer;\n",
};

function cruise(extra: Record<string, string>): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'raftbed-import-rules-'));
  try {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', target: 'ES2022', strict: true } }));
    for (const [file, text] of Object.entries({ ...CLEAN, ...extra })) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    try {
      const output = execFileSync(DEPCRUISE, ['--config', join(ROOT, '.dependency-cruiser.cjs'), ...FOLDERS], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { ok: true, output };
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('import rules', () => {
  it('pass on a tree whose arrows all point down', () => {
    const r = cruise({});
    expect(r.output).toContain('no dependency violations');
    expect(r.ok).toBe(true);
  });

  const planted: [rule: string, file: string, text: string][] = [
    ['core-is-the-bottom', 'core/bad.ts', "import { sim } from '../sim';\nexport const bad = sim;\n"],
    ['core-does-no-io', 'core/io.ts', "import { readFileSync } from 'fs';\nexport const io = readFileSync;\n"],
    ['shared-layers-stand-alone', 'trace/bad.ts', "import { sim } from '../sim';\nexport const bad = sim;\n"],
    ['shared-layers-stand-alone', 'checkers/bad.ts', "import { tla } from '../tla';\nexport const bad = tla;\n"],
    ['protocol-below-drivers', 'protocol/bad.ts', "import { sim } from '../sim';\nexport const bad = sim;\n"],
    ['sim-imports-no-other-driver', 'sim/bad.ts', "import { tla } from '../tla';\nexport const bad = tla;\n"],
    ['sim-imports-no-other-driver', 'sim/browser.ts', "import { browser } from '../browser-adapter';\nexport const bad = browser;\n"],
    ['tla-imports-no-other-driver', 'tla/bad.ts', "import { sim } from '../sim';\nexport const bad = sim;\n"],
    ['browser-adapter-imports-no-other-driver', 'browser-adapter/bad.ts', "import { sim } from '../sim';\nexport const bad = sim;\n"],
    ['introducer-stands-alone', 'introducer/bad.ts', "import { step } from '../core';\nexport const bad = step;\n"],
    ['viewer-below-cli', 'viewer/bad.ts', "import { tla } from '../tla';\nexport const bad = tla;\n"],
    ['cli-is-the-only-composition-root', 'sim/uses-cli.ts', "import { cli } from '../cli';\nexport const bad = cli;\n"],
    ['no-circular', 'sim/a.ts', "import { b } from './b';\nexport const a = () => b;\n"],
    ['not-to-unresolvable', 'sim/missing.ts', "import { gone } from './gone';\nexport const bad = gone;\n"],
  ];
  it.each(planted)('catch a planted break of %s (%s)', (rule, file, text) => {
    const extra: Record<string, string> = { [file]: text };
    if (rule === 'no-circular') extra['sim/b.ts'] = "import { a } from './a';\nexport const b = () => a;\n";
    const r = cruise(extra);
    expect(r.ok).toBe(false);
    expect(r.output).toContain(rule);
  });
});
