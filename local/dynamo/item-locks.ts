/**
 * Writes wait only for earlier writes to the same items. A holder names every item it writes
 * (`table` + key, see `lock-keys.ts`) and runs once every earlier holder of any of them is done;
 * holders with no item in common run at the same time.
 *
 * Why the front server needs this at all: dynalite already locks per item inside PutItem,
 * UpdateItem and DeleteItem (`itemDb.lock(key)` around its read–check–write, from the `lock`
 * package; BatchWriteItem is those calls in parallel), so single-item writes would be safe
 * without it. What dynalite cannot know is that the snapshot reads, writes and rollback of one
 * emulated TransactWriteItems belong together: those items must stay locked for the whole
 * transaction, and a plain write to one of them must wait for it (or it would be rolled back
 * with it, or seen half-applied).
 *
 * Deadlock: all of a holder's keys are queued in one synchronous step (no holder ever holds one
 * key while waiting to queue for another), each key's queue is FIFO, and keys are queued in
 * sorted order, so a holder only ever waits for holders queued before it: the wait graph has no
 * cycle, two transactions over [A, B] and [B, A] simply run one after the other.
 */
export class ItemLocks {
  /** The last holder queued on each key; an entry is dropped when its holder finishes last. */
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `fn` once every holder queued earlier on any of `keys` has finished. */
  run<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)].sort();
    const before = unique.map((k) => this.#tails.get(k)).filter((p): p is Promise<void> => p !== undefined);
    const ran = (before.length ? Promise.all(before) : Promise.resolve()).then(fn);
    const done = ran.then(
      () => undefined,
      () => undefined,
    );
    for (const key of unique) this.#tails.set(key, done);
    // Dropped before the caller sees the result: an idle lock holds no entry.
    return ran.finally(() => {
      for (const key of unique) if (this.#tails.get(key) === done) this.#tails.delete(key);
    });
  }

  /** How many keys are held or queued (0 when idle; the map never grows without bound). */
  get size(): number {
    return this.#tails.size;
  }
}
