// The rules every raftbed command follows, checked on every command of the tree: -h/--help and
// --version print to stdout and exit 0; an unknown flag and a bad value are named on stderr with
// exit 2; --json is declared; the exit-code table is the README's; --help loads no simulator.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main, COMMANDS } from './main';
import { raftbedVersion, type CommandDef, type CommandEntry } from './program';
import { CapturingIo } from './test-support/capturing-io';
import { EXIT_CODES, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { addFlags, flagValues, parseDecimal, parseInteger, parseShard } from './flags';
import { Command, InvalidArgumentError } from 'commander';

const ROOT = join(__dirname, '..');

interface Leaf {
  readonly path: string[];
  readonly def: CommandDef;
}

function walk(entries: readonly CommandEntry[], prefix: string[] = []): Leaf[] {
  return entries.flatMap((e) => {
    const def = e.load();
    const path = [...prefix, e.name];
    return [{ path, def }, ...walk(def.subcommands ?? [], path)];
  });
}

const ALL = walk(COMMANDS);
/** An argv that satisfies the command's required arguments and flags, so the flag under test is what fails. */
function minimal(l: Leaf): string[] {
  const args = (l.def.args ?? []).filter((a) => a.startsWith('<')).map(() => 'x');
  const flags = Object.entries(l.def.flags ?? {}).filter(([, s]) => s.required).flatMap(([name, s]) => [`--${name}`, s.kind === 'int' ? '1' : 'x']);
  return [...l.path, ...args, ...flags];
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = new CapturingIo();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

it('the tree has every command the README lists', () => {
  expect(ALL.map((l) => l.path.join(' '))).toEqual([
    'sweep', 'merge', 'run', 'check-history', 'replay', 'shrink', 'view', 'bugs', 'bench', 'bench browser',
    'tla', 'tla check', 'tla validate', 'tla merge', 'tla replay-spec', 'tla bench', 'introducer', 'demo',
  ]);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const l of ALL.filter((x) => x.path.length === 1)) expect(readme).toContain(`bin/raftbed ${l.path[0]}`);
});

describe.each(ALL.map((l) => [l.path.join(' '), l] as const))('raftbed %s', (_name, leaf) => {
  it('-h and --help print its usage on stdout (exit 0)', async () => {
    for (const help of ['-h', '--help']) {
      const r = await cli([...leaf.path, help]);
      expect(r).toMatchObject({ code: EXIT_OK, err: '' });
      expect(r.out).toContain(`Usage: raftbed ${leaf.path.join(' ')}`);
      expect(r.out).toContain('-V, --version');
    }
  });

  it('--version prints the package version (exit 0)', async () => {
    expect(await cli([...leaf.path, '--version'])).toEqual({ code: EXIT_OK, out: raftbedVersion(), err: '' });
  });

  if (leaf.def.run === undefined) return;

  it('declares --json', async () => {
    expect((await cli([...leaf.path, '--help'])).out).toMatch(/^ {2}--json +\S/m);
  });

  it('refuses an unknown flag on stderr, naming it (exit 2)', async () => {
    const r = await cli([...minimal(leaf), '--no-such-flag']);
    expect(r).toMatchObject({ code: EXIT_USAGE, out: '' });
    expect(r.err).toContain(`raftbed ${leaf.path.join(' ')}: unknown option '--no-such-flag'`);
  });

  const valued = Object.entries(leaf.def.flags ?? {}).find(([, s]) => s.kind === 'int' || s.kind === 'number' || s.kind === 'choice');
  if (valued !== undefined) {
    it(`refuses a bad value of --${valued[0]} on stderr, naming the flag (exit 2)`, async () => {
      const r = await cli([...minimal(leaf), `--${valued[0]}`, 'not-a-value']);
      expect(r).toMatchObject({ code: EXIT_USAGE, out: '' });
      expect(r.err).toMatch(new RegExp(`^raftbed ${leaf.path.join(' ')}: option '(-\\w, )?--${valued[0]} <[^>]+>' argument 'not-a-value' is invalid\\.`));
    });
  }
});

it('the root: no command is a usage error; an unknown one is named', async () => {
  expect(await cli([])).toMatchObject({ code: EXIT_USAGE, out: '' });
  const r = await cli(['frobnicate']);
  expect(r).toMatchObject({ code: EXIT_USAGE, out: '' });
  expect(r.err).toContain("raftbed: unknown command 'frobnicate'");
  expect(await cli(['help', 'run'])).toMatchObject({ code: EXIT_OK, out: expect.stringContaining('Usage: raftbed run') });
});

it('one exit-code table: `raftbed --help` and README print the same codes and meanings', async () => {
  const help = (await cli(['--help'])).out;
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Exit codes'));
  const rows = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => ({ code: Number(m[1]), meaning: m[2] }));
  expect(rows).toEqual(EXIT_CODES.map((e) => ({ code: e.code, meaning: e.meaning })));
  for (const e of EXIT_CODES) expect(help).toContain(`${String(e.code).padStart(3)}  ${e.meaning}`);
  expect(new Set(EXIT_CODES.map((e) => e.code)).size).toBe(EXIT_CODES.length);
});

describe('flag declarations', () => {
  it('integers and decimals: ranges, and no exponents, hex or fractions where an integer is due', () => {
    expect(parseInteger('-3', -5, 5)).toBe(-3);
    expect(parseDecimal('.75')).toBe(0.75);
    expect(parseDecimal('1.5', 0.5, 60)).toBe(1.5);
    for (const bad of [() => parseInteger('1.5'), () => parseInteger('0x10'), () => parseInteger('3', 4), () => parseDecimal('1e3'), () => parseDecimal('61', 0, 60)]) {
      expect(bad).toThrow(InvalidArgumentError);
    }
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(() => parseShard('4/4')).toThrow('It needs 0 <= i < n.');
  });

  it('reads flags by name, collects a repeatable one, and refuses any other repeated', async () => {
    const command = addFlags(new Command('t').exitOverride().configureOutput({ writeErr: () => {} }), {
      'max-seeds': { kind: 'int', help: '' },
      output: { kind: 'string', alias: '-o', help: '' },
      origin: { kind: 'string', repeatable: true, help: '' },
      quiet: { kind: 'bool', help: '' },
      'no-diagnosis': { kind: 'bool', help: '' },
      seeds: { kind: 'int', default: 200, help: '' },
    });
    command.parse(['--max-seeds=7', '-o', 'x', '--origin', 'a', '--origin', 'b'], { from: 'user' });
    expect(flagValues(command)).toEqual({ 'max-seeds': 7, output: 'x', origin: ['a', 'b'], seeds: 200 });
    const negated = addFlags(new Command('t'), { 'no-diagnosis': { kind: 'bool', help: '' } });
    negated.parse(['--no-diagnosis'], { from: 'user' });
    expect(flagValues(negated)).toEqual({ 'no-diagnosis': true });
    const again = addFlags(new Command('t').exitOverride().configureOutput({ writeErr: () => {} }), { output: { kind: 'string', alias: '-o', help: '' } });
    expect(() => again.parse(['-o', 'a', '--output', 'b'], { from: 'user' })).toThrow("option '-o, --output <VALUE>' given twice");
  });
});

it('--help loads no command\'s work: the root none of the declarations, a command only its own', () => {
  const script = `
    const { main } = require('./cli/main');
    const io = { out() {}, err() {}, isTTY: false };
    main(process.argv.slice(1), io).then(() => {
      const own = Object.keys(require.cache).filter((f) => !f.includes('node_modules')).map((f) => f.slice(${JSON.stringify(ROOT + '/')}.length));
      process.stdout.write(JSON.stringify(own));
    });`;
  const loaded = (argv: string[]) => JSON.parse(execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script, '--', ...argv], { cwd: ROOT }).toString()) as string[];
  const root = loaded(['--help']);
  expect(root.filter((f) => !f.startsWith('cli/'))).toEqual([]);
  expect(root.filter((f) => /cli\/(cmd-|commands-)/.test(f))).toEqual([]);
  const sweep = loaded(['sweep', '--help']);
  expect(sweep).toContain('cli/commands-sim.ts');
  expect(sweep.filter((f) => /^cli\/cmd-|^sim\/(run-seed|cluster\/simulation)|^tla\/|^browser-adapter\//.test(f))).toEqual([]);
  const tla = loaded(['tla', 'check', '--help']);
  expect(tla.filter((f) => /^tla\/|^cli\/tla\.ts/.test(f))).toEqual([]);
}, 60_000);

// Both entry points: bin/raftbed, and the compiled module run directly (`node dist/cli/main.js`),
// here its source through ts-node, which runs the same `require.main === module` block.
it.each([
  ['bin/raftbed', [join(ROOT, 'bin', 'raftbed'), '--help']],
  ['cli/main run directly', ['-r', 'ts-node/register/transpile-only', join(ROOT, 'cli', 'main.ts'), '--help']],
])('`%s --help | head -1`: a reader that has gone ends the command quietly, exit 0, no EPIPE stack', async (_name, args) => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  // Closed before the command writes a byte: every write to stdout meets a broken pipe.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(stderr).not.toMatch(/EPIPE|Error/);
  expect(code).toBe(0);
}, 60_000);
