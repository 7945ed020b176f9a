// The demo page: a replicated key-value store with a live view of this tab's Raft node, and
// buttons to partition the tab, crash and restart its node, export its trace, and change the
// cluster's membership (add a learner, promote it, remove a node, leave a joint configuration).

import { startPage, type PageApi } from './page-runtime';
import type { MembershipView, NodeStatus } from '../node/browser-raft-node';
import type { ConfChange } from '../../core';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function text(s: unknown): string {
  return String(s);
}

function row(cells: unknown[], className = ''): HTMLTableRowElement {
  const tr = document.createElement('tr');
  if (className) tr.className = className;
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = text(c);
    tr.appendChild(td);
  }
  return tr;
}

const list = (ids: readonly string[]): string => (ids.length === 0 ? 'none' : ids.join(', '));

function membershipRows(c: MembershipView): HTMLTableRowElement[] {
  const self = {
    voter: 'a voter', 'outgoing voter': 'a voter of the configuration being left', learner: 'a learner (receives the log, does not vote)',
    none: c.index === 0 ? 'not a member yet (waiting to be added as a learner)' : 'not a member',
  }[c.self];
  return [
    row(['voters', list(c.voters)], 'conf-voters'),
    row(['learners', list(c.learners)], 'conf-learners'),
    row(['joint', c.joint ? `yes: also needs a majority of ${list(c.votersOutgoing ?? [])} (${c.autoLeave ? 'left automatically' : 'press Leave joint'})` : 'no'], c.joint ? 'conf-joint' : ''),
    row(['configuration entry', c.index === 0 ? 'initial (from the URL)' : `index ${c.index}, ${c.committed ? 'committed' : 'not committed yet'}`], c.committed ? '' : 'conf-pending'),
    row(['this node is', self], c.self === 'none' ? 'role-none' : ''),
  ];
}

/** Enables the membership buttons that make sense for the chosen node in this configuration. */
function renderMembershipControls(s: NodeStatus): void {
  const c = s.config;
  const chosen = ($('member-node') as HTMLSelectElement).value;
  const isVoter = c.voters.includes(chosen) || (c.votersOutgoing ?? []).includes(chosen);
  const isLearner = c.learners.includes(chosen);
  const leads = s.run === 'running' && s.role === 'Leader';
  // A member that knows the leader hands changes to it (a removed tab's leader is history).
  const canAsk = leads || (s.run === 'running' && s.leader !== null && c.self !== 'none');
  // Core takes one change at a time: none while an entry is uncommitted or the configuration joint.
  const busy = c.joint || !c.committed;
  ($('add-learner') as HTMLButtonElement).disabled = !canAsk || busy || isVoter || isLearner;
  ($('promote') as HTMLButtonElement).disabled = !canAsk || busy || !isLearner;
  ($('remove') as HTMLButtonElement).disabled = !canAsk || busy || (!isVoter && !isLearner);
  ($('leave-joint') as HTMLButtonElement).disabled = !canAsk || !c.joint || !c.committed;
  const who = leads ? 'This tab leads' : `The leader is ${s.leader}: this tab hands it the changes`;
  $('member-hint').textContent = !canAsk
    ? 'Membership changes need a known leader, and this tab to be a member.'
    : c.joint && c.committed ? `${who}. The joint configuration is committed: leave it before the next change.`
    : busy ? `${who}. A change is under way: the next one waits until it commits.`
    : `${who}.`;
}

function render(api: PageApi): void {
  const s = api.status();
  const running = s.run === 'running';
  const usage = running ? api.storageUsage() : null;
  const status = $('status').querySelector('tbody') as HTMLElement;
  status.replaceChildren(
    row(['state', s.run + (s.reason ? ` (${s.reason})` : '')], s.run === 'running' ? '' : 'bad'),
    // A stopped node has no role: showing its last one (say a green "Leader") would claim it still leads.
    running ? row(['role', s.role], `role-${s.role}`) : row(['role', `none (node ${s.run})`], 'role-none'),
    row(['term', s.term]),
    // A removed node hears from no leader any more: what it knew is history, not the cluster's leader.
    row(['leader', (s.leader ?? '(none known)') + (s.config.self === 'none' && s.config.index > 0 && s.leader !== null ? ' (last heard: this node is no longer a member)' : '')]),
    row(['commit index', s.commit]),
    row(['applied index', s.applied]),
    row(['log', `${s.logEntries} entries after snapshot ${s.snapshotIndex} (last index ${s.lastIndex})`]),
    row(['storage', usage ? `${usage.keys} keys, ${usage.units} UTF-16 units` : '-']),
    row(['snapshots', `${s.counters.snapshotsTaken} taken, ${s.counters.snapshotsInstalled} installed`]),
    row(['writes', `${s.counters.writesCompleted} done, ${s.pendingWrites} pending`]),
    row(['partitioned', s.partitioned ? 'yes' : 'no'], s.partitioned ? 'bad' : ''),
    row(['trace', `${s.traceLines} lines`]),
  );
  ($('membership').querySelector('tbody') as HTMLElement).replaceChildren(...membershipRows(s.config));
  renderMembershipControls(s);
  ($('peers').querySelector('tbody') as HTMLElement).replaceChildren(
    ...s.peers.map((p) => {
      // A partitioned tab keeps its data channels open but drops every frame: they carry nothing.
      const state = s.partitioned && p.state === 'connected' ? 'cut (partitioned)' : p.state;
      const member = s.config.voters.includes(p.id) ? 'voter' : s.config.votersOutgoing?.includes(p.id) ? 'outgoing voter' : s.config.learners.includes(p.id) ? 'learner' : '-';
      // A node that may join later has no tab open yet: that is not a fault while it is no member.
      const bad = state !== 'connected' && member !== '-';
      return row([p.id, state, member, p.framesIn, p.framesOut, p.badFrames, p.droppedOut], bad ? 'bad' : '');
    }),
  );
  const entries = api.contents().sort(([a], [b]) => (a < b ? -1 : 1)).slice(0, 200);
  ($('kv').querySelector('tbody') as HTMLElement).replaceChildren(...entries.map(([k, v]) => row([k, v])));
  $('partition').textContent = s.partitioned ? 'Heal partition' : 'Partition this tab';
}

async function main(): Promise<void> {
  let api: PageApi;
  try {
    api = await startPage();
  } catch (e) {
    window.raftbedError = (e as Error).message;
    window.raftbedErrorName = (e as Error).name;
    $('error').textContent = (e as Error).message;
    $('who').textContent = new URLSearchParams(location.search).get('node') ?? '?';
    // Nothing here works without a node; leave only the message.
    (document.querySelector('.cols') as HTMLElement).style.display = 'none';
    return;
  }
  if (api.warning) $('error').textContent = api.warning;
  $('who').textContent = api.config.node;
  document.title = `raftbed ${api.config.node}`;
  const result = (msg: string): void => {
    $('op-result').textContent = msg;
  };
  const key = (): string => ($('key') as HTMLInputElement).value;
  const value = (): string => ($('value') as HTMLInputElement).value;
  // Each operation owns the result line from the click on: a pending one says so, and only the
  // latest operation may write its outcome (an older one finishing late must not overwrite it).
  let latestOp = 0;
  const run = <T>(label: string, op: () => Promise<T>, describe: (v: T) => string): void => {
    const k = key();
    if (k === '') {
      result(`${label}: enter a key first`);
      return;
    }
    const mine = ++latestOp;
    result(`${label} ${k}: pending…`);
    op().then(
      (v) => mine === latestOp && result(describe(v)),
      (e: Error) => mine === latestOp && result(e.message),
    );
  };
  $('put-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const k = key();
    run('put', () => api.put(k, value()), () => `put ${k} committed`);
  });
  $('append').addEventListener('click', () => {
    const k = key();
    run('append', () => api.append(k, value()), () => `append to ${k} committed`);
  });
  $('read').addEventListener('click', () => {
    const k = key();
    run('read', () => api.get(k), (v) => `${k} = ${JSON.stringify(v)}`);
  });
  const memberResult = (msg: string): void => {
    $('member-result').textContent = msg;
  };
  const select = $('member-node') as HTMLSelectElement;
  select.replaceChildren(...api.config.nodes.map((id) => {
    const option = document.createElement('option');
    option.value = id;
    option.textContent = id;
    return option;
  }));
  // Start on the first node that is not a voter yet: the one a user most likely adds next.
  select.value = api.config.nodes.find((id) => !api.config.voters.includes(id)) ?? api.config.nodes[0];
  select.addEventListener('change', () => render(api));
  let latestChange = 0;
  const change = (label: string, changes: readonly ConfChange[], leaveJoint?: 'auto' | 'explicit'): void => {
    const mine = ++latestChange;
    memberResult(`${label}: pending…`);
    const done = changes.length === 0 ? api.leaveJoint() : api.changeMembership(changes, leaveJoint);
    done.then(
      (r) => mine === latestChange && memberResult(`${label}: committed at index ${r.index}`),
      (e: Error) => mine === latestChange && memberResult(`${label}: ${e.message}`),
    );
    render(api);
  };
  const explicit = (): 'explicit' | undefined => (($('explicit-leave') as HTMLInputElement).checked ? 'explicit' : undefined);
  $('add-learner').addEventListener('click', () => change(`add ${select.value} as a learner`, [{ kind: 'AddLearner', node: select.value }], explicit()));
  $('promote').addEventListener('click', () => change(`promote ${select.value} to voter`, [{ kind: 'AddVoter', node: select.value }], explicit()));
  $('remove').addEventListener('click', () => change(`remove ${select.value}`, [{ kind: 'RemoveNode', node: select.value }], explicit()));
  $('leave-joint').addEventListener('click', () => change('leave the joint configuration', []));
  $('partition').addEventListener('click', () => api.partition(!api.status().partitioned));
  $('crash').addEventListener('click', () => api.crash());
  $('restart').addEventListener('click', () => api.restart());
  $('export').addEventListener('click', () => {
    const name = `raftbed-${api.config.node}-${api.status().incarnation}.ndjson`;
    void api.exportTrace().then((text) => {
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    });
  });
  setInterval(() => render(api), 250);
  render(api);
}

void main();
