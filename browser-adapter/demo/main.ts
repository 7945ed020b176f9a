// The demo page: a replicated key-value store with a live view of this tab's Raft node, and
// buttons to partition the tab, crash and restart its node, and export its trace.

import { startPage, type PageApi } from './page-runtime';

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
    row(['leader', s.leader ?? '(none known)']),
    row(['commit index', s.commit]),
    row(['applied index', s.applied]),
    row(['log', `${s.logEntries} entries after snapshot ${s.snapshotIndex} (last index ${s.lastIndex})`]),
    row(['storage', usage ? `${usage.keys} keys, ${usage.units} UTF-16 units` : '-']),
    row(['snapshots', `${s.counters.snapshotsTaken} taken, ${s.counters.snapshotsInstalled} installed`]),
    row(['writes', `${s.counters.writesCompleted} done, ${s.pendingWrites} pending`]),
    row(['partitioned', s.partitioned ? 'yes' : 'no'], s.partitioned ? 'bad' : ''),
    row(['trace', `${s.traceLines} lines`]),
  );
  ($('peers').querySelector('tbody') as HTMLElement).replaceChildren(
    ...s.peers.map((p) => {
      // A partitioned tab keeps its data channels open but drops every frame: they carry nothing.
      const state = s.partitioned && p.state === 'connected' ? 'cut (partitioned)' : p.state;
      return row([p.id, state, p.framesIn, p.framesOut, p.badFrames, p.droppedOut], state === 'connected' ? '' : 'bad');
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
