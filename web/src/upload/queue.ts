import { backoffMs } from './backoff.ts';
import { type Grant, type QueueStore, type Transport, UploadError, type UploadItem } from './types.ts';

/** What an {@link UploadQueue} runs with; everything with a clock or a network is injected. */
export interface UploadQueueOptions {
  store: QueueStore;
  transport: Transport;
  /** Files sent at the same time. */
  parallel?: number;
  /** Tries before a photo is marked failed (network errors and 5xx; expiry gets a fresh URL). */
  maxAttempts?: number;
  /** Re-grant when a URL has less than this left (it may expire during a slow upload). */
  minGrantLifeMs?: number;
  backoff?: (attempt: number) => number;
  now?: () => number;
  online?: () => boolean;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  newId?: () => string;
  /** Called after every change of an item (and with `removed` when it left the queue). */
  onChange?: (item: UploadItem, removed?: boolean) => void;
}

/** A picked file to add. */
export interface PickedFile {
  jobId: string;
  file: Blob;
  filename: string;
  contentType: string;
}

/**
 * The crew's upload queue: a few photos in parallel, retries with backoff on network errors and
 * 5xx, a fresh URL when one expired, and every item persisted (bytes included) so photos picked
 * offline or before a reload are sent when the page is back. Pure of the DOM: the browser
 * wiring (IndexedDB, XHR, online events) is passed in.
 */
export class UploadQueue {
  readonly #o: Required<Omit<UploadQueueOptions, 'onChange'>> & Pick<UploadQueueOptions, 'onChange'>;
  readonly #items = new Map<string, UploadItem>();
  readonly #grants = new Map<string, Grant>();
  readonly #running = new Set<string>();
  #timer: unknown = null;
  #paused = false;

  constructor(options: UploadQueueOptions) {
    this.#o = {
      parallel: 3,
      maxAttempts: 6,
      minGrantLifeMs: 60_000,
      backoff: (attempt) => backoffMs(attempt),
      now: () => Date.now(),
      online: () => true,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      newId: () => crypto.randomUUID(),
      ...options,
    };
  }

  /** Loads what an earlier page left in the store; an upload cut off by a reload starts again. */
  async restore(): Promise<UploadItem[]> {
    for (const item of await this.#o.store.all()) {
      if (item.state === 'uploading') Object.assign(item, { state: 'queued', progress: 0 });
      this.#items.set(item.id, item);
    }
    return this.items();
  }

  /** Every item, newest first. */
  items(): UploadItem[] {
    return [...this.#items.values()].sort((a, b) => b.addedAt - a.addedAt);
  }

  /** Adds picked files (persisted before anything is sent) and starts sending. */
  async add(files: PickedFile[], refuse?: (f: PickedFile) => string | null): Promise<UploadItem[]> {
    const added: UploadItem[] = [];
    for (const [i, f] of files.entries()) {
      const reason = refuse?.(f) ?? null;
      const item: UploadItem = {
        id: this.#o.newId(),
        jobId: f.jobId,
        filename: f.filename,
        contentType: f.contentType,
        size: f.file.size,
        file: reason ? null : f.file,
        // Files picked together keep their order (newest first means the last one on top).
        addedAt: this.#o.now() + i / 1000,
        state: reason ? 'refused' : 'queued',
        attempts: 0,
        progress: 0,
        photoId: null,
        grantIds: [],
        reason,
        nextTryAt: null,
      };
      this.#items.set(item.id, item);
      await this.#save(item);
      added.push(item);
    }
    this.pump();
    return added;
  }

  /** Sends a failed photo again from its first try. */
  async retry(id: string): Promise<void> {
    const item = this.#items.get(id);
    if (!item?.file || (item.state !== 'failed' && item.state !== 'queued')) return;
    Object.assign(item, { state: 'queued', attempts: 0, reason: null, nextTryAt: null });
    await this.#save(item);
    this.pump();
  }

  /** Takes an item out of the queue (and its bytes out of the store). */
  async remove(id: string): Promise<void> {
    const item = this.#items.get(id);
    if (!item || this.#running.has(id)) return;
    this.#items.delete(id);
    await this.#o.store.delete(id);
    this.#o.onChange?.(item, true);
  }

  /** Holds new tries (e.g. while signed out); `resume` lets them go. */
  pause(): void {
    this.#paused = true;
  }

  /** Lets tries go again and starts what is due. */
  resume(): void {
    this.#paused = false;
    this.pump();
  }

  /** Starts every due item up to the parallel limit; call it when the network comes back. */
  pump(): void {
    if (this.#paused || !this.#o.online()) return;
    const now = this.#o.now();
    const due = [...this.#items.values()]
      .filter((i) => i.state === 'queued' && !this.#running.has(i.id) && (i.nextTryAt ?? 0) <= now)
      .sort((a, b) => a.addedAt - b.addedAt);
    for (const item of due) {
      if (this.#running.size >= this.#o.parallel) break;
      this.#running.add(item.id);
      void this.#send(item).finally(() => {
        this.#running.delete(item.id);
        this.pump();
      });
    }
    this.#schedule();
  }

  /** True while anything is still to be sent. */
  busy(): boolean {
    return [...this.#items.values()].some((i) => i.state === 'queued' || i.state === 'uploading');
  }

  async #send(item: UploadItem): Promise<void> {
    const file = item.file;
    if (!file) return;
    try {
      let grant = this.#grants.get(item.id);
      if (!grant || Date.parse(grant.expires_at) - this.#o.now() < this.#o.minGrantLifeMs) {
        grant = await this.#o.transport.grant(item);
        this.#grants.set(item.id, grant);
        item.grantIds = [...item.grantIds, grant.photo_id];
      }
      Object.assign(item, { state: 'uploading', progress: 0, reason: null, nextTryAt: null });
      await this.#save(item);
      await this.#o.transport.post(grant, file, item.contentType, (fraction) => {
        item.progress = Math.max(item.progress, Math.min(1, fraction));
        this.#o.onChange?.(item);
      });
      this.#grants.delete(item.id);
      // S3 has the bytes: keep the card's facts, drop the blob.
      Object.assign(item, { state: 'uploaded', progress: 1, photoId: grant.photo_id, file: null });
      await this.#save(item);
    } catch (error) {
      await this.#failed(item, error);
    }
  }

  async #failed(item: UploadItem, error: unknown): Promise<void> {
    const e = error instanceof UploadError ? error : new UploadError('network', 'No connection.');
    if (e.kind === 'expired') this.#grants.delete(item.id);
    if (e.kind === 'refused') {
      Object.assign(item, { state: 'refused', reason: e.message, file: null, progress: 0 });
      this.#grants.delete(item.id);
      return this.#save(item);
    }
    if (e.kind === 'signed-out') {
      // Nothing is wrong with the photo: it waits for the next sign-in.
      this.pause();
      Object.assign(item, { state: 'queued', reason: e.message, progress: 0 });
      return this.#save(item);
    }
    item.attempts += 1;
    // A try cut off by going offline does not count: the phone tells us when it is back.
    if (!this.#o.online()) item.attempts -= 1;
    if (item.attempts >= this.#o.maxAttempts) {
      Object.assign(item, { state: 'failed', reason: `${e.message} Tap to retry.`, progress: 0 });
      return this.#save(item);
    }
    const online = this.#o.online();
    const wait = e.kind === 'expired' ? 0 : this.#o.backoff(item.attempts);
    Object.assign(item, {
      state: 'queued',
      progress: 0,
      reason: online ? `${e.message} Trying again…` : 'Waiting for a connection…',
      // Offline, the next try waits for the browser's online event instead of a timer.
      nextTryAt: online ? this.#o.now() + wait : null,
    });
    return this.#save(item);
  }

  #schedule(): void {
    if (this.#timer !== null) this.#o.clearTimer(this.#timer);
    this.#timer = null;
    const waits = [...this.#items.values()]
      .filter((i) => i.state === 'queued' && i.nextTryAt !== null)
      .map((i) => (i.nextTryAt as number) - this.#o.now());
    if (!waits.length) return;
    this.#timer = this.#o.setTimer(
      () => {
        this.#timer = null;
        this.pump();
      },
      Math.max(0, Math.min(...waits)),
    );
  }

  async #save(item: UploadItem): Promise<void> {
    if (!this.#items.has(item.id)) return;
    await this.#o.store.put(item);
    this.#o.onChange?.(item);
  }
}
