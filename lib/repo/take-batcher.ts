/** Writes `units` takes of one counter at once; resolves false when the counter had too few left. */
export type BatchWrite<P> = (key: string, params: P[]) => Promise<boolean>;

interface Waiter<P> {
  param: P;
  resolve: (taken: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Groups concurrent takes of one shared counter (a caller's rate budget, a job's photo slots) into
 * one conditional write. Writes to one item run one after another (DynamoDB's per-item order, and
 * the local endpoint's item lock), so 32 presigns at once for one crew used to queue 32 writes deep
 * on each counter; now the takes that arrive while a write is in flight go out together in the next
 * one, all or none (`ADD n` under a condition that leaves room for all n). When the batch does not
 * fit — the counter is near its limit — its takes are retried one at a time, so the limit is never
 * exceeded and as many as fit are granted. A take with nothing in flight is written at once, as before.
 */
export class TakeBatcher<P> {
  readonly #queues = new Map<string, Waiter<P>[]>();

  constructor(private readonly write: BatchWrite<P>) {}

  /** Takes one unit of the counter `key`; `param` is passed to the write with the batch. */
  take(key: string, param: P): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(key);
      if (queue) {
        queue.push({ param, resolve, reject });
        return;
      }
      this.#queues.set(key, []);
      void this.#drain(key, [{ param, resolve, reject }]);
    });
  }

  async #drain(key: string, first: Waiter<P>[]): Promise<void> {
    let batch = first;
    while (batch.length > 0) {
      try {
        if (
          batch.length > 1 &&
          (await this.write(
            key,
            batch.map((w) => w.param),
          ))
        ) {
          for (const w of batch) w.resolve(true);
        } else {
          for (const w of batch) w.resolve(await this.write(key, [w.param]));
        }
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
      const queue = this.#queues.get(key) ?? [];
      batch = queue.splice(0, queue.length);
    }
    this.#queues.delete(key);
  }
}
