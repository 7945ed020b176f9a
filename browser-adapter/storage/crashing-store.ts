// A fault-injecting KeyValueStore wrapper: the process "dies" just before its (k+1)-th mutation.
// Tests use it to crash RaftStorage between every pair of writes; end-to-end tests can use it to
// model a tab closed in the middle of a persist.

import type { KeyValueStore } from './key-value-store';

export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

export class CrashingStore implements KeyValueStore {
  /** Mutations (setItem and removeItem) that reached the inner store. */
  mutations = 0;
  /** The setItem calls among them. */
  sets = 0;
  crashed = false;

  /** @param allowedMutations how many setItem/removeItem calls succeed before the crash. */
  constructor(private readonly inner: KeyValueStore, private allowedMutations = Infinity) {}

  /** Arms the crash: `more` further mutations succeed, the one after them crashes. */
  crashAfter(more: number): void {
    this.allowedMutations = this.mutations + more;
  }

  private alive(): void {
    if (this.crashed) throw new SimulatedCrash('store used after the simulated crash');
  }

  private mutate(): void {
    this.alive();
    if (this.mutations >= this.allowedMutations) {
      this.crashed = true;
      throw new SimulatedCrash(`simulated crash before mutation ${this.mutations + 1}`);
    }
    this.mutations++;
  }

  getItem(key: string): string | null {
    this.alive();
    return this.inner.getItem(key);
  }

  setItem(key: string, value: string): void {
    this.mutate();
    this.sets++;
    this.inner.setItem(key, value);
  }

  removeItem(key: string): void {
    this.mutate();
    this.inner.removeItem(key);
  }

  keys(): string[] {
    this.alive();
    return this.inner.keys();
  }
}
