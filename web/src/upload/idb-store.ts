import { MemoryStore } from './memory-store.ts';
import type { QueueStore, UploadItem } from './types.ts';

const DB = 'qdn-uploads';
const STORE = 'items';

/** The queue's IndexedDB store (blobs included), or an in-memory one where IndexedDB is refused. */
export async function openQueueStore(): Promise<QueueStore> {
  try {
    return new IdbStore(await open());
  } catch {
    return new MemoryStore();
  }
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

class IdbStore implements QueueStore {
  readonly #db: IDBDatabase;

  constructor(db: IDBDatabase) {
    this.#db = db;
  }

  all(): Promise<UploadItem[]> {
    return this.#run('readonly', (s) => s.getAll()) as Promise<UploadItem[]>;
  }

  async put(item: UploadItem): Promise<void> {
    await this.#run('readwrite', (s) => s.put(item));
  }

  async delete(id: string): Promise<void> {
    await this.#run('readwrite', (s) => s.delete(id));
  }

  #run(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const tx = this.#db.transaction(STORE, mode);
      const req = op(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
}
