/**
 * One writer at a time: dynalite has no TransactWriteItems, so the local endpoint runs every write
 * (and each transaction as a whole) under this lock, which makes a transaction atomic for writers.
 */
export class WriteLock {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every write queued before it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}
