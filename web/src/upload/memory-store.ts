import type { QueueStore, UploadItem } from './types.ts';

/** A queue store in memory: for tests, and for browsers without IndexedDB (nothing survives a reload). */
export class MemoryStore implements QueueStore {
  readonly items = new Map<string, UploadItem>();

  async all(): Promise<UploadItem[]> {
    return [...this.items.values()].map((i) => ({ ...i }));
  }

  async put(item: UploadItem): Promise<void> {
    this.items.set(item.id, { ...item });
  }

  async delete(id: string): Promise<void> {
    this.items.delete(id);
  }
}
