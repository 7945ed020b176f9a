// One tab per node: an exclusive Web Lock (navigator.locks) named after the cluster and node,
// held for as long as the page lives. Tabs of one origin share localStorage, so two tabs running
// the same node would overwrite each other's vote and log; the browser grants this lock to one
// tab at a time and releases it only when that tab's page goes away (close, reload, navigation).
//
// A reload hands the lock from the old document to the new one, and the old one's release can
// reach the lock manager a moment after the new one asks, so a refused request is retried for
// `waitMs` before the node is declared open elsewhere.

/** The slice of the Web Locks API this module uses (navigator.locks satisfies it). */
export interface LockManagerLike {
  request(name: string, options: { mode?: 'exclusive' | 'shared'; ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => unknown): Promise<unknown>;
}

/** The node's lock is held by another tab (or another window) of this origin. */
export class NodeAlreadyOpen extends Error {
  override readonly name = 'NodeAlreadyOpen';
  constructor(readonly node: string, readonly lockName: string) {
    super(`${node}: this node is already open in another tab. Close that tab, then reload this one; this tab has not started the node and wrote nothing.`);
  }
}

export interface NodeLock {
  readonly name: string;
  /** Gives the lock back (a page keeps it until it unloads; tests release it explicitly). */
  release(): void;
  /** Called once if the browser takes the lock away while it is held (another context stole it). */
  onLost(listener: (reason: unknown) => void): void;
}

export const nodeLockName = (cluster: string, node: string): string => `raftbed-node-${cluster}-${node}`;

export interface AcquireOptions {
  /** How long to keep asking before giving up (covers a reload's hand-over). Default 1500 ms. */
  readonly waitMs?: number;
}

/**
 * Resolves with the held lock, or with null when another tab holds it for `waitMs`.
 * Rejects only when the lock manager itself fails.
 */
export async function acquireNodeLock(locks: LockManagerLike, name: string, options: AcquireOptions = {}): Promise<NodeLock | null> {
  const waitMs = options.waitMs ?? 1500;
  const first = await requestOnce(locks, name, { ifAvailable: true });
  if (first !== null || waitMs <= 0) return first;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), waitMs);
  try {
    return await requestOnce(locks, name, { signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

function requestOnce(locks: LockManagerLike, name: string, how: { ifAvailable?: boolean; signal?: AbortSignal }): Promise<NodeLock | null> {
  return new Promise((resolve, reject) => {
    let granted = false;
    let releaseHold: () => void = () => undefined;
    const lostListeners: ((reason: unknown) => void)[] = [];
    let lostReason: { reason: unknown } | null = null;
    let released = false;
    const handle: NodeLock = {
      name,
      release: () => {
        released = true;
        releaseHold();
      },
      onLost: (listener) => {
        if (lostReason) listener(lostReason.reason);
        else lostListeners.push(listener);
      },
    };
    locks
      .request(name, { mode: 'exclusive', ...how }, (lock) => {
        if (lock === null) {
          resolve(null); // ifAvailable and someone else holds it
          return undefined;
        }
        granted = true;
        resolve(handle);
        // Held until this promise settles: for the page's lifetime unless released.
        return new Promise<void>((done) => {
          releaseHold = done;
        });
      })
      .then(
        () => {
          if (granted && !released) lose(new Error('the Web Lock ended without being released'));
        },
        (error: unknown) => {
          if (granted) lose(error); // stolen: the browser rejects the request of the holder it took it from
          else if (how.signal?.aborted) resolve(null); // waited waitMs without getting it
          else reject(error);
        },
      );
    function lose(reason: unknown): void {
      if (lostReason) return;
      lostReason = { reason };
      for (const l of lostListeners) l(reason);
    }
  });
}
