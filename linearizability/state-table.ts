import type { ResolvedModel } from './model';

/**
 * Interns a partition's model states to small integers, so the search and
 * its visited cache compare states as numbers. States are bucketed by the
 * model's hash and told apart by its `equal`, so a user model's states may be
 * objects.
 */
export class StateTable<State> {
  private readonly states: State[] = [];
  /** Hash → the one id with that hash, or several when hashes collide. */
  private readonly byHash = new Map<string | number, number | number[]>();

  constructor(private readonly model: Pick<ResolvedModel<State, unknown, unknown>, 'hash' | 'equal'>) {}

  get size(): number {
    return this.states.length;
  }

  state(id: number): State {
    return this.states[id];
  }

  intern(state: State): number {
    const h = this.model.hash(state);
    const found = this.byHash.get(h);
    if (found === undefined) {
      this.byHash.set(h, this.add(state));
      return this.states.length - 1;
    }
    if (typeof found === 'number') {
      if (this.model.equal(this.states[found], state)) return found;
      const id = this.add(state);
      this.byHash.set(h, [found, id]);
      return id;
    }
    for (const id of found) if (this.model.equal(this.states[id], state)) return id;
    const id = this.add(state);
    found.push(id);
    return id;
  }

  private add(state: State): number {
    this.states.push(state);
    return this.states.length - 1;
  }
}
