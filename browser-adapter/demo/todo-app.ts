// The to-do list as an application state machine: what createBrowserNode replicates for the
// to-do demo. Deterministic: ids come from the command (the client makes them), never from apply.

import type { CommandCodec, StateMachine } from '../index';

export interface Todo {
  readonly id: string;
  readonly text: string;
  readonly done: boolean;
}

export type TodoCommand =
  | { readonly op: 'add'; readonly id: string; readonly text: string }
  | { readonly op: 'toggle'; readonly id: string }
  | { readonly op: 'edit'; readonly id: string; readonly text: string }
  | { readonly op: 'delete'; readonly id: string }
  | { readonly op: 'clear-completed' };

/** Whether the command changed anything (false: the to-do was gone, say deleted in another tab). */
export type TodoResult = { readonly changed: boolean };

export class TodoCodecError extends Error {
  override readonly name = 'TodoCodecError';
}

const MAX_TEXT = 500;

export const todoCodec: CommandCodec<TodoCommand> = {
  encode: (c) => JSON.stringify(c),
  decode: (data) => {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(data);
    } catch {
      throw new TodoCodecError('command is not JSON');
    }
    const text = (): string => {
      if (typeof o.text !== 'string' || o.text.trim() === '' || o.text.length > MAX_TEXT) throw new TodoCodecError(`text must be 1..${MAX_TEXT} characters`);
      return o.text;
    };
    const id = (): string => {
      if (typeof o.id !== 'string' || !/^[\w-]{1,64}$/.test(o.id)) throw new TodoCodecError('id must be 1..64 word characters');
      return o.id;
    };
    switch (o?.op) {
      case 'add':
      case 'edit':
        return { op: o.op, id: id(), text: text() };
      case 'toggle':
      case 'delete':
        return { op: o.op, id: id() };
      case 'clear-completed':
        return { op: 'clear-completed' };
      default:
        throw new TodoCodecError(`unknown op ${JSON.stringify(o?.op)}`);
    }
  },
};

export class TodoList implements StateMachine<TodoCommand, TodoResult> {
  private items: Todo[] = [];

  get todos(): readonly Todo[] {
    return this.items;
  }

  apply(c: TodoCommand): TodoResult {
    const at = 'id' in c ? this.items.findIndex((t) => t.id === c.id) : -1;
    switch (c.op) {
      case 'add':
        if (at >= 0) return { changed: false };
        this.items = [...this.items, { id: c.id, text: c.text, done: false }];
        return { changed: true };
      case 'toggle':
      case 'edit': {
        if (at < 0) return { changed: false };
        const t = this.items[at];
        const next = c.op === 'toggle' ? { ...t, done: !t.done } : { ...t, text: c.text };
        this.items = this.items.map((x, i) => (i === at ? next : x));
        return { changed: true };
      }
      case 'delete':
        if (at < 0) return { changed: false };
        this.items = this.items.filter((_, i) => i !== at);
        return { changed: true };
      case 'clear-completed': {
        const before = this.items.length;
        this.items = this.items.filter((t) => !t.done);
        return { changed: this.items.length !== before };
      }
    }
  }

  snapshot(): string {
    return JSON.stringify(this.items);
  }

  restore(snapshot: string): void {
    this.items = JSON.parse(snapshot) as Todo[];
  }
}
