/** Message delay: `minMs` plus an exponential with mean `meanMs - minMs`, plus now and then a long tail. */
export interface DelayParams {
  readonly minMs: number;
  /** Mean of the ordinary delay, including minMs (so meanMs >= minMs). */
  readonly meanMs: number;
  /** Chance that a message also gets an extra exponential delay with mean tailMeanMs. */
  readonly tailProbability: number;
  readonly tailMeanMs: number;
}

export interface NetworkParams {
  readonly dropProbability: number;
  readonly delay: DelayParams;
  /** Chance of each extra copy (so two extra copies happen with p^2, and so on, up to a small cap). */
  readonly duplicateProbability: number;
  /** Chance that a message leaves its link's FIFO order and is held back long enough to be overtaken. */
  readonly reorderProbability: number;
  /** Most messages in flight on one directed link; beyond it a send is dropped ('capacity'). */
  readonly linkCapacity: number;
}

/** A partial update; `delay` may itself be partial. */
export type NetworkParamsPatch = Partial<Omit<NetworkParams, 'delay'>> & { readonly delay?: Partial<DelayParams> };

/** A reliable, FIFO, fast network: the default, and what a fault plan's quiet period returns to. */
export const CALM_NETWORK: NetworkParams = Object.freeze({
  dropProbability: 0,
  delay: Object.freeze({ minMs: 1, meanMs: 3, tailProbability: 0, tailMeanMs: 0 }),
  duplicateProbability: 0,
  reorderProbability: 0,
  linkCapacity: 100_000,
});

export class NetworkParamsError extends Error {
  override readonly name = 'NetworkParamsError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid network parameters: ${problems.join('; ')}`);
  }
}

const isProbability = (x: unknown): boolean => typeof x === 'number' && x >= 0 && x <= 1;
const isNonNegative = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;

/** Every problem with `p` (empty when valid). `path` prefixes the field names in messages. */
export function networkParamsProblems(p: unknown, path = 'network'): string[] {
  if (typeof p !== 'object' || p === null) return [`${path} must be an object`];
  const o = p as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['dropProbability', 'duplicateProbability', 'reorderProbability'] as const) {
    if (!isProbability(o[key])) problems.push(`${path}.${key} must be a number in [0, 1], got ${JSON.stringify(o[key])}`);
  }
  const cap = o.linkCapacity;
  if (!(typeof cap === 'number' && Number.isInteger(cap) && cap >= 1)) problems.push(`${path}.linkCapacity must be an integer >= 1, got ${JSON.stringify(cap)}`);
  const d = o.delay;
  if (typeof d !== 'object' || d === null) {
    problems.push(`${path}.delay must be an object`);
  } else {
    const delay = d as Record<string, unknown>;
    for (const key of ['minMs', 'meanMs', 'tailMeanMs'] as const) {
      if (!isNonNegative(delay[key])) problems.push(`${path}.delay.${key} must be a finite number >= 0, got ${JSON.stringify(delay[key])}`);
    }
    if (!isProbability(delay.tailProbability)) problems.push(`${path}.delay.tailProbability must be a number in [0, 1], got ${JSON.stringify(delay.tailProbability)}`);
    if (isNonNegative(delay.minMs) && isNonNegative(delay.meanMs) && (delay.meanMs as number) < (delay.minMs as number)) {
      problems.push(`${path}.delay.meanMs (${String(delay.meanMs)}) must be >= minMs (${String(delay.minMs)})`);
    }
  }
  return problems;
}

/** `base` updated by `patch`; throws NetworkParamsError if the result is invalid. */
export function patchNetworkParams(base: NetworkParams, patch: NetworkParamsPatch): NetworkParams {
  const merged: NetworkParams = { ...base, ...patch, delay: { ...base.delay, ...patch.delay } };
  const problems = networkParamsProblems(merged);
  if (problems.length > 0) throw new NetworkParamsError(problems);
  return merged;
}
