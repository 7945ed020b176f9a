/**
 * TLC 2.18 extracts its standard modules into java.io.tmpdir under fixed names, so TLC processes
 * started together (jest workers, `sweep --validate K`) used to corrupt each other's Sequences.tla
 * mid-parse and exit 150. runTlc gives each process its own tmpdir; this runs several at once.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findTlcJar, runTlc } from './tlc';

const TINY_SPEC = [
  '---- MODULE Tiny ----',
  'EXTENDS Sequences, Naturals, FiniteSets, TLC',
  'VARIABLE x',
  'Init == x = <<>>',
  'Next == Len(x) < 3 /\\ x\' = Append(x, 1)',
  '====',
  '',
].join('\n');

describe('runTlc with several TLC processes at once', () => {
  it('every run parses the standard modules and finds no error, each with its own java.io.tmpdir', async () => {
    const jar = findTlcJar();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raftbed-tlc-concurrency-'));
    try {
      fs.writeFileSync(path.join(dir, 'Tiny.tla'), TINY_SPEC);
      fs.writeFileSync(path.join(dir, 'Tiny.cfg'), 'INIT Init\nNEXT Next\nCHECK_DEADLOCK FALSE\n');
      const runs = await Promise.all(
        Array.from({ length: 8 }, () => runTlc({ spec: path.join(dir, 'Tiny.tla'), jar, timeoutMs: 120_000 })),
      );
      expect(runs.map((r) => `${r.verdict}/${r.exitCode}`)).toEqual(Array(8).fill('no-error/0'));
      const tmpDirs = runs.map((r) => r.command.find((arg) => arg.startsWith('-Djava.io.tmpdir=')));
      expect(tmpDirs.every((d) => d !== undefined)).toBe(true);
      expect(new Set(tmpDirs).size).toBe(8);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
