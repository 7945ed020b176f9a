import { TodoCodecError, TodoList, todoCodec } from './todo-app';

test('add, toggle, edit, delete and clear-completed; commands on a gone to-do change nothing', () => {
  const list = new TodoList();
  expect(list.apply({ op: 'add', id: 'a', text: 'milk' })).toEqual({ changed: true });
  list.apply({ op: 'add', id: 'b', text: 'eggs' });
  expect(list.apply({ op: 'add', id: 'a', text: 'again' })).toEqual({ changed: false });
  list.apply({ op: 'toggle', id: 'a' });
  list.apply({ op: 'edit', id: 'b', text: 'bread' });
  expect(list.todos).toEqual([{ id: 'a', text: 'milk', done: true }, { id: 'b', text: 'bread', done: false }]);
  const snap = list.snapshot();
  expect(list.apply({ op: 'clear-completed' })).toEqual({ changed: true });
  expect(list.apply({ op: 'delete', id: 'b' })).toEqual({ changed: true });
  expect(list.apply({ op: 'toggle', id: 'b' })).toEqual({ changed: false });
  expect(list.todos).toEqual([]);
  list.restore(snap);
  expect(list.todos.map((t) => t.id)).toEqual(['a', 'b']);
});

test('the codec round-trips every command and refuses malformed ones with TodoCodecError', () => {
  for (const c of [{ op: 'add', id: 'x1', text: 't' }, { op: 'toggle', id: 'x1' }, { op: 'edit', id: 'x1', text: 'u' }, { op: 'delete', id: 'x1' }, { op: 'clear-completed' }] as const) {
    expect(todoCodec.decode(todoCodec.encode(c))).toEqual(c);
  }
  for (const bad of ['nope', '{"op":"add","id":"x","text":"  "}', '{"op":"toggle"}', '{"op":"drop"}', 'null']) {
    expect(() => todoCodec.decode(bad)).toThrow(TodoCodecError);
  }
});
