import { AleaRng, type Rng } from './rng';

export { AleaRng, RngArgumentError, type Rng } from './rng';

/**
 * One seed per run; every consumer asks for its own named stream. Each stream is seeded from
 * `${seed}:${name}` alone, so adding a stream (a new fault class, another node) never shifts the
 * draws of any other stream, and a recorded seed replays the run exactly.
 */
export class RandomStreams {
  private readonly streams = new Map<string, Rng>();

  constructor(readonly seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`RandomStreams: seed must be a finite number, got ${seed}`);
  }

  /** The same name always returns the same Rng object (its state advances as it is used). */
  stream(name: string): Rng {
    let rng = this.streams.get(name);
    if (rng === undefined) {
      rng = new AleaRng(`${this.seed}:${name}`);
      this.streams.set(name, rng);
    }
    return rng;
  }
}
