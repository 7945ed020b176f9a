import { ConnectionTable, type TrackedConnection } from './connection-table';

const conn = (address: string, joined = false): TrackedConnection => ({ address, joined });

describe('ConnectionTable', () => {
  it('caps each address, then the total', () => {
    const table = new ConnectionTable<TrackedConnection>(4, 2);
    table.add(conn('a'));
    table.add(conn('a'));
    expect(table.decide('a')).toEqual({ admit: false, reason: 'address-cap' });
    expect(table.decide('b')).toEqual({ admit: true });
    table.add(conn('b'));
    table.add(conn('c'));
    expect([table.size, table.addresses]).toEqual([4, 3]);
  });

  it('when full, a newcomer below its fair share evicts the oldest unjoined socket of the address most over its share', () => {
    const table = new ConnectionTable<TrackedConnection>(6, 10);
    const hog = [conn('h', true), conn('h'), conn('h'), conn('h')];
    for (const c of [...hog, conn('o'), conn('p')]) table.add(c);
    // Four addresses would share 6 slots: 1 each. 'h' holds 4; its oldest unjoined socket goes.
    expect(table.fairShare('n')).toBe(1);
    expect(table.decide('n')).toEqual({ admit: true, evict: hog[1] });
    // An address at or over its share (3 addresses: 2 each) is refused rather than evicting anyone.
    expect(table.fairShare('h')).toBe(2);
    expect(table.decide('h')).toEqual({ admit: false, reason: 'server-full' });
  });

  it('never evicts a joined socket, and refuses when only joined sockets are over their share', () => {
    const table = new ConnectionTable<TrackedConnection>(3, 10);
    const joined = [conn('h', true), conn('h', true), conn('h', true)];
    for (const c of joined) table.add(c);
    expect(table.decide('n')).toEqual({ admit: false, reason: 'server-full' });
  });

  it('forgets removed connections and addresses', () => {
    const table = new ConnectionTable<TrackedConnection>(2, 2);
    const a = conn('a');
    table.add(a);
    table.add(a); // idempotent
    expect(table.size).toBe(1);
    table.remove(a);
    table.remove(a);
    expect([table.size, table.addresses, table.countFor('a')]).toEqual([0, 0, 0]);
  });
});
