#!/usr/bin/env node
// A node that breaks the protocol in one chosen way (argv[2]), for the driver's error tests.
// It answers Init properly, then misbehaves at its second input.
'use strict';
const mode = process.argv[2];
const view = { term: 0, role: 'Follower', votedFor: null, commitIndex: 0, leader: null, lastIndex: 0, lastTerm: 0, snapshotIndex: 0 };
const hello = { protocol: mode === 'version' ? 2 : 1, implementation: 'misbehaving', capabilities: ['preVote', 'checkQuorum'] };
let n = 0;
let buffer = '';
const write = (obj) => process.stdout.write(`${typeof obj === 'string' ? obj : JSON.stringify(obj)}\n`);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let nl;
  while ((nl = buffer.indexOf('\n')) >= 0) {
    buffer = buffer.slice(nl + 1);
    n++;
    if (n === 1) {
      if (mode === 'nohello') write({ view });
      else if (mode === 'extra') process.stdout.write(`${JSON.stringify({ hello, view })}\n${JSON.stringify({ view })}\n`);
      else write({ hello, view });
      if (mode === 'extra-late') setTimeout(() => write({ view }), 100);
      continue;
    }
    switch (mode) {
      case 'hang':
        process.stderr.write('thinking forever\n');
        return;
      case 'exit':
        process.stderr.write('boom: out of cheese\n');
        process.exit(3);
        break;
      case 'malformed':
        write('{"view": oops');
        break;
      case 'schema':
        write({ view: { ...view, term: -1 } });
        break;
      case 'unknown-field':
        write({ view, colour: 'red' });
        break;
      case 'fatal':
        write({ fatal: 'disk on fire' });
        process.exit(1);
        break;
      case 'hello-again':
        write({ hello, view });
        break;
      case 'wrong-sender':
        write({ messages: [{ type: 'RequestVoteResponse', from: 'n2', to: 'n3', term: 0, granted: false }], view });
        break;
      default:
        write({ view });
    }
  }
});
