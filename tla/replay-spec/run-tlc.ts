/**
 * Asks TLC for random behaviours of ReplaySpec.tla (`-simulate num=K,file=PREFIX`) and reads them
 * back as typed behaviours.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTlc, type TlcResult } from '../tlc';
import { parseBehaviourFile } from './behaviour-file';
import { SpecBehaviour, decodeBehaviour } from './spec-state';

export const REPLAY_SPEC_FILE = path.join(__dirname, 'ReplaySpec.tla');
const SPEC_DIR = path.join(__dirname, '..');
const TRACE_SPEC_DIR = path.join(__dirname, '..', 'trace');

export interface GenerateOptions {
  readonly count: number;
  /** States per behaviour (TLC's -depth): depth - 1 steps. */
  readonly depth: number;
  readonly seed: number;
  readonly preVote: boolean;
  readonly servers?: readonly string[];
  readonly maxTerm?: number;
  readonly maxLog?: number;
  readonly maxBatch?: number;
  /** Crash-and-restarts per behaviour (default 2). */
  readonly maxRestarts?: number;
  readonly jar?: string;
  readonly timeoutMs?: number;
}

export class TlcGenerationError extends Error {
  override readonly name = 'TlcGenerationError';
  constructor(message: string, readonly result?: TlcResult) {
    super(message);
  }
}

export function replayConfig(options: GenerateOptions): string {
  const servers = options.servers ?? ['n1', 'n2', 'n3'];
  return [
    'SPECIFICATION ReplaySpecification',
    'CONSTANTS',
    `    Server = {${servers.map((s) => JSON.stringify(s)).join(', ')}}`,
    '    Value = {"v1"}',
    `    PreVote = ${options.preVote ? 'TRUE' : 'FALSE'}`,
    `    MaxTerm = ${options.maxTerm ?? 4}`,
    `    MaxLog = ${options.maxLog ?? 6}`,
    `    MaxBatch = ${options.maxBatch ?? 2}`,
    '    MaxCopies = 2',
    `    MaxRestarts = ${options.maxRestarts ?? 2}`,
    '    InitConfig <- ReplayInitConfig',
    'CHECK_DEADLOCK FALSE',
    '',
  ].join('\n');
}

/** Runs TLC and returns its behaviours, in file order; throws TlcGenerationError if TLC fails. */
export async function generateBehaviours(options: GenerateOptions): Promise<{ behaviours: SpecBehaviour[]; tlc: TlcResult }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raftbed-replay-spec-'));
  try {
    const config = path.join(dir, 'ReplaySpec.cfg');
    fs.writeFileSync(config, replayConfig(options));
    const prefix = path.join(dir, 'behaviours', 'b');
    fs.mkdirSync(path.dirname(prefix));
    const tlc = await runTlc({
      spec: REPLAY_SPEC_FILE,
      config,
      jar: options.jar,
      workers: 1,
      libraryDirs: [TRACE_SPEC_DIR, SPEC_DIR],
      timeoutMs: options.timeoutMs,
      // num=/file= must not be the last argument (TLC 2.18 reads the spec name there).
      extraArgs: ['-simulate', `num=${options.count},file=${prefix}`, '-depth', String(options.depth), '-seed', String(options.seed)],
    });
    // Simulation ends with exit 0 but without the model checker's "No error has been found"
    // message, which runTlc's interpretation expects: exit 0 is success here.
    if (tlc.exitCode !== 0 || tlc.errorText?.includes('stopped after')) {
      throw new TlcGenerationError(`TLC did not generate behaviours: ${tlc.verdict}: ${tlc.errorText ?? tlc.untagged.slice(-5).join(' | ')}`, tlc);
    }
    const files = fs
      .readdirSync(path.dirname(prefix))
      .filter((f) => /^b_\d+_\d+$/.test(f))
      .sort((a, b) => Number(a.split('_')[2]) - Number(b.split('_')[2]) || a.localeCompare(b));
    if (files.length === 0) throw new TlcGenerationError('TLC finished but wrote no behaviour files', tlc);
    const behaviours = files.map((f, k) => {
      const text = fs.readFileSync(path.join(path.dirname(prefix), f), 'utf8');
      return decodeBehaviour(parseBehaviourFile(text, f), `seed ${options.seed} behaviour ${k + 1}`);
    });
    return { behaviours, tlc };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
