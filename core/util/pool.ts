/**
 * Bounded parallel work (-ThrottleLimit): at most `limit` tasks run at once, the rest wait their turn in the order they
 * were queued. Results come back in the order of the inputs, whatever order the work finished in, so output stays
 * stable from one run to the next.
 */

export const DEFAULT_THROTTLE_LIMIT = 8;

export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** A gate that lets at most `limit` of the functions given to it run at the same time. */
export function createLimiter(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`The throttle limit must be a whole number of at least 1, not ${limit}.`);
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      release();
    }
  };
}

/** Turns a promise into its outcome, so one failure never rejects a whole group of results. */
export function settle<R>(p: Promise<R>): Promise<Settled<R>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** Runs `work` over every item, at most `limit` at once; one outcome per item, in the items' order. */
export function mapSettled<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<Settled<R>[]> {
  const gate = createLimiter(limit);
  return Promise.all(items.map((item, index) => settle(gate(() => work(item, index)))));
}
