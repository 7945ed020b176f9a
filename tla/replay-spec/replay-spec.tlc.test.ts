/**
 * Runs the real TLC (the jar is required, as in tla-integration.test.ts): a small bounded count of
 * random spec behaviours, replayed against core, must agree step for step, and the bias must show:
 * leaders elected, entries committed, transfers and restarts taken. The same behaviours must expose
 * a planted core bug.
 */
import { findTlcJar } from '../tlc';
import { generateBehaviours } from './run-tlc';
import { formatDisagreement, replayBehaviour } from './replay';
import { commitsAlone } from './planted-bugs';
import type { SpecBehaviour } from './spec-state';

const COUNT = 5;
const DEPTH = 50;
const SEED = 4;

describe('replay-spec with TLC', () => {
  const generated = new Map<boolean, SpecBehaviour[]>();
  beforeAll(async () => {
    const jar = findTlcJar();
    for (const preVote of [false, true]) {
      const { behaviours } = await generateBehaviours({ count: COUNT, depth: DEPTH, seed: SEED, preVote, jar, timeoutMs: 50_000 });
      generated.set(preVote, behaviours);
    }
  }, 110_000);

  it.each([
    ['PreVote off', false],
    ['PreVote on', true],
  ])('%s: 5 behaviours of 50 states agree with core, with elections and commits', (_name, preVote) => {
    const behaviours = generated.get(preVote)!;
    expect(behaviours).toHaveLength(COUNT);
    const replays = behaviours.map((b) => replayBehaviour(b, { preVote, seed: SEED }));
    expect(replays.flatMap((r) => (r.disagreement ? [formatDisagreement(r.disagreement)] : []))).toEqual([]);
    expect(replays.reduce((n, r) => n + r.steps, 0)).toBeGreaterThanOrEqual(COUNT * 40);
    expect(replays.reduce((n, r) => n + r.leadersElected, 0)).toBeGreaterThanOrEqual(3);
    expect(replays.filter((r) => r.maxCommitIndex > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('the generated behaviours include leadership transfers and crash-restarts, so both are compared too', () => {
    const actions = [...generated.values()].flat().flatMap((b) => b.states.map((s) => s.action.name));
    expect(actions.filter((name) => name === 'TransferLeadership').length).toBeGreaterThanOrEqual(1);
    expect(actions.filter((name) => name === 'Restart').length).toBeGreaterThanOrEqual(1);
  });

  it('the same behaviours expose a planted bug (a leader that commits alone) at a ClientRequest', () => {
    const replays = generated.get(false)!.map((b) => replayBehaviour(b, { preVote: false, seed: SEED, step: commitsAlone }));
    const disagreements = replays.flatMap((r) => (r.disagreement ? [r.disagreement] : []));
    expect(disagreements.length).toBeGreaterThanOrEqual(1);
    for (const d of disagreements) expect([d.field, d.action.split(' ')[0]]).toEqual(['commitIndex', 'ClientRequest']);
  });
});
