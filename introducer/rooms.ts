// Room membership: who is in which room, in join order. Knows nothing about sockets.

export type JoinOutcome<M> =
  | { ok: true; roster: string[]; others: M[] }
  | { ok: false; reason: 'room-full' | 'node-id-in-use' };

export class RoomRegistry<M> {
  // Map preserves insertion order, which gives rosters in join order for free.
  private readonly rooms = new Map<string, Map<string, M>>();

  constructor(private readonly maxRoomSize: number) {}

  get roomCount(): number {
    return this.rooms.size;
  }

  join(room: string, node: string, member: M): JoinOutcome<M> {
    const members = this.rooms.get(room) ?? new Map<string, M>();
    if (members.has(node)) return { ok: false, reason: 'node-id-in-use' };
    if (members.size >= this.maxRoomSize) return { ok: false, reason: 'room-full' };
    const others = [...members.values()];
    members.set(node, member);
    this.rooms.set(room, members);
    return { ok: true, roster: [...members.keys()], others };
  }

  /** Removes a member and garbage-collects the room when it empties; returns those still present. */
  leave(room: string, node: string): M[] {
    const members = this.rooms.get(room);
    if (members === undefined || !members.delete(node)) return [];
    if (members.size === 0) this.rooms.delete(room);
    return [...members.values()];
  }

  find(room: string, node: string): M | undefined {
    return this.rooms.get(room)?.get(node);
  }

  roster(room: string): string[] {
    return [...(this.rooms.get(room)?.keys() ?? [])];
  }
}
