/**
 * Runs the real TLC. The jar is required: CI installs it with tla/install-tlc.sh, and a
 * missing jar fails here with the one-line instruction rather than skipping silently.
 * The extensions and the mutants' controls take longer; `raftbed tla check` runs those.
 */
import * as fs from 'fs';
import { EXTENSIONS, FULL_MODEL, MUTANTS, SMALL_MODEL, inTlaDir } from './catalogue';
import { expectNoError, expectViolation } from './check';
import { findTlcJar } from './tlc';

describe('the TLC run catalogue', () => {
  it('names only modules and configs that exist', () => {
    const files = [
      ...[FULL_MODEL, SMALL_MODEL, ...EXTENSIONS].flatMap((r) => [r.module, r.config]),
      ...MUTANTS.flatMap((m) => [m.module, m.config, m.controlConfig]),
    ];
    expect(files.filter((f) => !fs.existsSync(inTlaDir(f)))).toEqual([]);
  });

  it('gives every run a distinct id', () => {
    const ids = [...EXTENSIONS, ...MUTANTS].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('checks an extension for each modelled implementation feature', () => {
    const modules = EXTENSIONS.map((e) => e.module);
    for (const feature of ['CheckQuorum', 'Snapshot', 'Transfer', 'ReadIndex', 'PreVote', 'Batched', 'SelfVote', 'Reconfig']) {
      expect(modules).toContain(`MCRaft${feature}.tla`);
    }
  });
});

describe('TLC on the raftbed specs', () => {
  let jar: string;
  beforeAll(() => {
    jar = findTlcJar(); // throws TlcJarNotFoundError with the how-to if absent
  });

  it.each(MUTANTS.map((m) => [m.id, m] as const))('mutant %s makes TLC exit 12 naming its invariant', async (_id, mutant) => {
    const outcome = await expectViolation(mutant, { jar });
    expect(outcome.passed).toBe(true);
    expect(outcome.exitCode).toBe(12);
    expect(outcome.violated).toBe(mutant.expectedInvariant);
    expect(outcome.traceLength).toBeGreaterThan(1);
  });

  it('the small bounded model finds no error and explores a real state space', async () => {
    const outcome = await expectNoError('model', SMALL_MODEL, SMALL_MODEL.config, { jar }, 1);
    expect(outcome.detail).toBeUndefined();
    expect(outcome.exitCode).toBe(0);
    expect(outcome.distinctStates).toBeGreaterThan(1000);
  });
});
