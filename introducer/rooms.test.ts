import { RoomRegistry } from './rooms';

describe('RoomRegistry', () => {
  it('keeps rosters in join order and reports the others to announce to', () => {
    const rooms = new RoomRegistry<string>(3);
    expect(rooms.join('r', 'a', 'A')).toEqual({ ok: true, roster: ['a'], others: [] });
    expect(rooms.join('r', 'b', 'B')).toEqual({ ok: true, roster: ['a', 'b'], others: ['A'] });
    expect(rooms.find('r', 'b')).toBe('B');
    expect(rooms.find('other', 'b')).toBeUndefined();
  });

  it('refuses a full room and a duplicate id without changing membership', () => {
    const rooms = new RoomRegistry<string>(2);
    rooms.join('r', 'a', 'A');
    expect(rooms.join('r', 'a', 'A2')).toEqual({ ok: false, reason: 'node-id-in-use' });
    rooms.join('r', 'b', 'B');
    expect(rooms.join('r', 'c', 'C')).toEqual({ ok: false, reason: 'room-full' });
    expect(rooms.roster('r')).toEqual(['a', 'b']);
    expect(rooms.find('r', 'a')).toBe('A');
  });

  it('collects a room when it empties and never keeps a room a refused join created', () => {
    const rooms = new RoomRegistry<string>(1);
    rooms.join('r', 'a', 'A');
    rooms.join('s', 'x', 'X');
    expect(rooms.roomCount).toBe(2);
    expect(rooms.leave('r', 'a')).toEqual([]);
    expect(rooms.roomCount).toBe(1);
    expect(rooms.leave('r', 'a')).toEqual([]); // leaving twice is harmless
    expect(rooms.leave('s', 'nobody')).toEqual([]);
    expect(rooms.roomCount).toBe(1);
  });

  it('returns the members still present after a leave', () => {
    const rooms = new RoomRegistry<string>(9);
    for (const id of ['a', 'b', 'c']) rooms.join('r', id, id.toUpperCase());
    expect(rooms.leave('r', 'b')).toEqual(['A', 'C']);
    expect(rooms.roster('r')).toEqual(['a', 'c']);
  });
});
