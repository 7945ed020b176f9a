// The demo URL's membership parameters: `voters` is the first configuration, `nodes` every node
// that may ever join; a tab outside the voters is valid only when `nodes` names it.

import { PageConfigError, parsePageConfig } from './page-config';

const LOC = { protocol: 'http:', host: 'n1.localhost:8080' };
const BASE = `cluster=${'a'.repeat(32)}&expires=1900000000000&token=${'b'.repeat(64)}`;

test('without nodes, the voters are every node and must include this one', () => {
  const c = parsePageConfig(`?node=n2&voters=n1,n2,n3&${BASE}`, LOC);
  expect({ voters: c.voters, nodes: c.nodes }).toEqual({ voters: ['n1', 'n2', 'n3'], nodes: ['n1', 'n2', 'n3'] });
  expect(() => parsePageConfig(`?node=n4&voters=n1,n2,n3&${BASE}`, LOC)).toThrow(new PageConfigError('voters must include this node (or list every node in nodes)'));
});

test('a tab that joins later: outside the voters, inside nodes', () => {
  const c = parsePageConfig(`?node=n5&voters=n1,n2,n3&nodes=n1,n2,n3,n4,n5&${BASE}`, LOC);
  expect({ node: c.node, voters: c.voters, nodes: c.nodes }).toEqual({ node: 'n5', voters: ['n1', 'n2', 'n3'], nodes: ['n1', 'n2', 'n3', 'n4', 'n5'] });
});

test('nodes must name this node and every voter, without duplicates', () => {
  expect(() => parsePageConfig(`?node=n6&voters=n1,n2,n3&nodes=n1,n2,n3,n4,n5&${BASE}`, LOC)).toThrow(/nodes must be .* including this node/);
  expect(() => parsePageConfig(`?node=n4&voters=n1,n2,n3&nodes=n1,n2,n4&${BASE}`, LOC)).toThrow(/all of them in nodes/);
  expect(() => parsePageConfig(`?node=n4&voters=n1,n2&nodes=n1,n2,n4,n4&${BASE}`, LOC)).toThrow(/distinct/);
  expect(() => parsePageConfig(`?node=n1&voters=n1,n1&${BASE}`, LOC)).toThrow(/distinct/);
});
