// The configuration invariants in merged browser traces (merged-trace-safety.ts): configuration
// entries traced as { term, config } are judged from the merged header's initialConfig. Planted
// into the small fixture run: an illegal change is caught (ConfigQuorumIntersection), two
// uncommitted changes in a leader's log are caught (OneUncommittedConfig), a legal change passes.

import { checkMergedTraceSafety } from './merged-trace-safety';
import { MERGED_SMALL_HEADER as header, mergedSmallEvents as events, resealed as textOf, type TraceEvent as Json } from './test-support/merged-fixture';

/**
 * Turns the entries at consecutive indices, from the first leader Persist that appends at least
 * as many as `configs` lists, into configuration entries, in every node's Persist line that holds them: the
 * trace stays self-consistent, and only the configurations are new.
 */
function plantConfigs(configs: readonly unknown[]): string {
  const evs = events();
  const leader = (evs.find((e) => e.ev === 'Step' && e.state.role === 'Leader') as Json).node;
  const record = evs.find((e) => e.ev === 'Persist' && e.node === leader && Array.isArray(e.entryTerms) && e.entryTerms.length >= configs.length) as Json;
  const first = record.appendFrom;
  const terms = configs.map((_, k) => record.entryTerms[k] as number);
  for (const e of evs) {
    if (e.ev !== 'Persist' || !Array.isArray(e.entryTerms)) continue;
    configs.forEach((config, k) => {
      const at = first + k - e.appendFrom;
      if (at >= 0 && at < e.entryTerms.length && e.entryTerms[at] === terms[k]) e.entryTerms[at] = { term: terms[k], config };
    });
  }
  return textOf(evs);
}

test('the merged header carries the run\'s first configuration', () => {
  expect(JSON.parse(header).initialConfig).toEqual({ voters: ['n1', 'n2', 'n3'], learners: [] });
});

test('a legal single-server change (a voter removed) passes', () => {
  const result = checkMergedTraceSafety(plantConfigs([{ voters: ['n1', 'n2'], learners: [] }]));
  expect(result.violation).toBeNull();
});

test('an illegal change (all voters replaced at once, no joint configuration) is caught as ConfigQuorumIntersection', () => {
  const result = checkMergedTraceSafety(plantConfigs([{ voters: ['n4', 'n5'], learners: [] }]));
  expect(result.violation?.property).toBe('ConfigQuorumIntersection');
});

test('two uncommitted configuration entries in a leader\'s log are caught as OneUncommittedConfig', () => {
  const result = checkMergedTraceSafety(plantConfigs([{ voters: ['n1', 'n2'], learners: [] }, { voters: ['n1', 'n2', 'n3'], learners: [] }]));
  expect(result.violation?.property).toBe('OneUncommittedConfig');
});

test('without the header\'s initialConfig (an older merge) the configuration checks are off, not wrong', () => {
  const { initialConfig: _dropped, ...older } = JSON.parse(header);
  void _dropped;
  const planted = plantConfigs([{ voters: ['n4', 'n5'], learners: [] }]);
  const lines = planted.split('\n');
  const evs = lines.slice(1).filter((l) => l.startsWith('{"i"')).map((l) => JSON.parse(l));
  expect(checkMergedTraceSafety(textOf(evs, JSON.stringify(older))).violation).toBeNull();
});
