// The simulator's client history names, for each operation, the node that answered it, that
// node's term, and the trace lines of its invocation and completion; the linearizability report
// of a real failing run (a planted stale-read bug) shows them and links the operation to its events.

import { findBug } from '../bugs/catalogue';
import { bugSimConfig } from '../bugs/run';
import { runSeed } from '../run-seed';
import { MemoryTrace } from '../../trace/sink';
import { renderViolationHtml } from '../../linearizability';

// `raftbed bugs` finds read-index-without-heartbeat first at seed 18: a read served by a deposed leader.
const bug = findBug('read-index-without-heartbeat');
const trace = new MemoryTrace(true);
const outcome = runSeed(bugSimConfig(bug, 18), { trace, bug });
const lines = trace.text.map((l) => JSON.parse(l) as Record<string, unknown>);
/** The term each node is in at each trace line, folded from the Step lines. */
function termAtLine(node: string, line: number): number {
  for (let i = line; i > 0; i--) {
    const l = lines[i];
    if (l.ev === 'Step' && l.node === node) return (l.state as { term: number }).term;
  }
  return 0;
}

describe('history attribution on a real run', () => {
  it('the run fails linearizability (if core moved, re-hunt the seed with `raftbed bugs`)', () => {
    expect(outcome.violation?.property).toBe('Linearizability');
    expect(outcome.linearizability?.verdict).toBe('violation');
  });

  it('every operation links to its own ClientInvoke and ClientComplete lines; answered ones name the node and its term then', () => {
    expect(outcome.history.length).toBeGreaterThan(50);
    let answered = 0;
    for (const h of outcome.history) {
      expect(lines[h.eventIndex as number]).toMatchObject({ ev: 'ClientInvoke', client: h.client, op: h.id, key: h.op.key });
      if (h.completeEventIndex === undefined) {
        // Still running when the run ended: no completion line, nobody answered.
        expect(h.completeMs).toBeNull();
        expect(h.node).toBeUndefined();
        continue;
      }
      const done = lines[h.completeEventIndex];
      expect(done).toMatchObject({ ev: 'ClientComplete', client: h.client, op: h.id, outcome: h.completeMs === null ? 'unknown' : 'ok' });
      if (h.completeMs === null) {
        expect(h.node).toBeUndefined();
        continue;
      }
      answered++;
      expect(done.t).toBeCloseTo(h.completeMs, 2);
      expect(h.node).toMatch(/^n[1-3]$/);
      // The term is the answering node's, as of the step that produced the answer.
      expect(h.term).toBe(termAtLine(h.node as string, h.completeEventIndex));
    }
    expect(answered).toBeGreaterThan(30);
  });

  it('the report names the node and term that served the operation it could not place, and links it to both events', () => {
    const result = outcome.linearizability!;
    const key = result.violatingKeys[0];
    const failedId = result.perKey.get(key)!.failedOp!;
    const failed = outcome.history.find((h) => h.id === failedId)!;
    expect(failed.node).toBeDefined();
    const page = renderViolationHtml(outcome.history, result, { viewHref: 'seed-18.view.html' });
    const links = `<a href="seed-18.view.html#event-${failed.eventIndex}">event ${failed.eventIndex}</a> to <a href="seed-18.view.html#event-${failed.completeEventIndex}">event ${failed.completeEventIndex}</a>`;
    expect(page).toContain(`served by node ${failed.node}, term ${failed.term}, ${links}) could not be placed`);
    expect(page).toContain('<th>node</th><th>term</th><th>trace</th>');
    expect(page).toMatch(new RegExp(`id="op-${failed.id}"[^>]*title="[^"]*; served by node ${failed.node}, term ${failed.term}; trace events ${failed.eventIndex} to ${failed.completeEventIndex}`));
    expect(page).toMatch(new RegExp(`id="op-${failed.id}"[^>]*>[^<]*\\[node ${failed.node}, term ${failed.term}\\]`));
  });
});
