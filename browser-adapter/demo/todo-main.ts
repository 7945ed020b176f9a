// The to-do demo: a collaborative to-do list replicated across tabs, written only against the
// public API (../index.ts). Each tab is one Raft node; every change is a replicated command, and
// the list survives reloads and the close of every tab (log and snapshots in localStorage).
//
// URL: todo.html?node=n1&voters=n1,n2,n3&cluster=<hex>&expires=<ms>&token=<hex>[&ws=..&tick=..&gum=1]

import { createBrowserNode, type BrowserNode } from '../index';
import { TodoList, todoCodec, type TodoCommand, type TodoResult } from './todo-app';

declare global {
  interface Window {
    /** For tests and the console: the node this page runs. */
    todoNode?: BrowserNode<TodoCommand, TodoResult>;
    todoError?: string;
  }
}

type Filter = 'all' | 'active' | 'completed';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

async function main(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const need = (k: string): string => {
    const v = q.get(k);
    if (v === null || v === '') throw new Error(`the URL lacks ${k}= (open the links the demo CLI prints)`);
    return v;
  };
  const list = new TodoList();
  let node: BrowserNode<TodoCommand, TodoResult>;
  try {
    const nodeId = need('node');
    $('who').textContent = nodeId;
    node = await createBrowserNode({
      stateMachine: list, codec: todoCodec,
      introducerUrl: q.get('ws') ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
      token: need('token'), expires: Number(need('expires')), nodeId,
      cluster: { id: need('cluster'), voters: need('voters').split(',') },
      options: { tickMs: q.has('tick') ? Number(q.get('tick')) : undefined, getUserMedia: q.get('gum') === '1', snapshotEvery: 50 },
    });
  } catch (e) {
    window.todoError = (e as Error).message;
    $('error').textContent = (e as Error).message;
    $('app').hidden = true;
    return;
  }
  window.todoNode = node;
  document.title = `to-dos (${node.nodeId})`;

  let filter: Filter = 'all';
  let editing: string | null = null;
  let pending = 0;
  let renderedKey = '';
  const submit = (command: TodoCommand): void => {
    pending++;
    $('error').textContent = '';
    render();
    node.submit(command).then(
      () => undefined,
      (e: Error) => {
        $('error').textContent = `not saved: ${e.message}`;
      },
    ).finally(() => {
      pending--;
      render();
    });
  };

  const input = $<HTMLInputElement>('new-todo');
  $('new-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (text === '') return;
    submit({ op: 'add', id: newId(), text });
    input.value = '';
  });
  $('toggle-filter').addEventListener('click', (ev) => {
    const f = (ev.target as HTMLElement).dataset.filter as Filter | undefined;
    if (f) {
      filter = f;
      render();
    }
  });
  $('clear-completed').addEventListener('click', () => submit({ op: 'clear-completed' }));

  function item(t: { id: string; text: string; done: boolean }): HTMLLIElement {
    const li = el('li', { className: t.done ? 'completed' : '' });
    li.dataset.id = t.id;
    if (editing === t.id) {
      const edit = el('input', { className: 'edit', value: t.text });
      const finish = (save: boolean): void => {
        if (editing !== t.id) return;
        editing = null;
        const text = edit.value.trim();
        if (save && text !== '' && text !== t.text) submit({ op: 'edit', id: t.id, text });
        else if (save && text === '') submit({ op: 'delete', id: t.id });
        render();
      };
      edit.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') finish(true);
        if (ev.key === 'Escape') finish(false);
      });
      edit.addEventListener('blur', () => finish(true));
      li.append(edit);
      queueMicrotask(() => edit.focus());
      return li;
    }
    const toggle = el('input', { type: 'checkbox', className: 'toggle', checked: t.done, title: 'done' });
    toggle.addEventListener('change', () => submit({ op: 'toggle', id: t.id }));
    const label = el('label', { textContent: t.text, title: 'double-click to edit' });
    label.addEventListener('dblclick', () => {
      editing = t.id;
      render();
    });
    const destroy = el('button', { className: 'destroy', textContent: '×', title: 'delete' });
    destroy.addEventListener('click', () => submit({ op: 'delete', id: t.id }));
    li.append(toggle, label, destroy);
    return li;
  }

  function render(): void {
    const todos = list.todos;
    const shown = todos.filter((t) => (filter === 'all' ? true : filter === 'active' ? !t.done : t.done));
    // Rebuild the list only when what it shows changed: a rebuild under the pointer would swallow
    // a click, and one under an edit field would lose what was typed.
    const listKey = JSON.stringify([shown, editing]);
    if (listKey !== renderedKey) {
      renderedKey = listKey;
      $('todo-list').replaceChildren(...shown.map(item));
    }
    const left = todos.filter((t) => !t.done).length;
    $('todo-count').textContent = `${left} item${left === 1 ? '' : 's'} left`;
    $('clear-completed').hidden = !todos.some((t) => t.done);
    $('footer').hidden = todos.length === 0;
    for (const a of Array.from($('toggle-filter').querySelectorAll<HTMLElement>('[data-filter]'))) a.classList.toggle('selected', a.dataset.filter === filter);
    const s = node.status();
    const connected = s.partitioned ? 0 : s.peers.filter((p) => p.state === 'connected').length;
    const role = s.run === 'running' ? s.role.toLowerCase() : s.run;
    $('node-status').textContent = `${node.nodeId} · ${role} · ${connected}/${s.peers.length} peers · ${pending > 0 ? `saving ${pending}…` : 'saved'}`;
    $('node-status').className = s.run !== 'running' || (connected === 0 && s.peers.length > 0) ? 'offline' : '';
  }

  node.onChange(render);
  // Peer connections change without a Raft step: refresh the status line now and then.
  setInterval(render, 500);
  render();
}

void main();
