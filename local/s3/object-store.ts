import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import {
  copyFile,
  type FileHandle,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const storedObjectSchema = z.object({
  key: z.string(),
  size: z.number().int().nonnegative(),
  /** Hex MD5 of the bytes, unquoted. */
  etag: z.string(),
  /** Milliseconds since the epoch. */
  lastModified: z.number(),
  /** Orders writes of one key, as S3's event `sequencer` does: fixed-width upper-case hex. */
  sequencer: z.string(),
  contentType: z.string(),
  cacheControl: z.string().optional(),
  contentDisposition: z.string().optional(),
  contentEncoding: z.string().optional(),
  contentLanguage: z.string().optional(),
  /** `x-amz-meta-*` values by lower-case suffix. */
  metadata: z.record(z.string(), z.string()),
  checksum: z.object({ algorithm: z.enum(['crc32', 'sha1', 'sha256']), value: z.string() }).optional(),
  /** Name of the immutable data file under the bucket's `data/` folder. */
  dataFile: z.string(),
});

/** An object's metadata as stored beside its bytes. */
export type StoredObject = z.infer<typeof storedObjectSchema>;

/** What a write sets besides the bytes (content headers, user metadata, checksum). */
export type ObjectAttributes = Omit<
  StoredObject,
  'key' | 'size' | 'etag' | 'lastModified' | 'sequencer' | 'dataFile'
>;

/** A fully written temporary file and what was measured while writing it. */
export interface WrittenBody {
  path: string;
  size: number;
  md5: string;
}

/** An object opened for reading: its metadata and a handle on the bytes that match it. */
export interface OpenObject {
  object: StoredObject;
  handle: FileHandle;
}

/** Where an object is, or is to be. */
export interface ObjectLocation {
  bucket: string;
  key: string;
}

const SEQUENCER_DIGITS = 18;

/** Why `link` may refuse where a copy still works: another device, or a file system without hard links. */
const NO_HARD_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

/** S3 lists keys in UTF-8 binary order, which differs from JS (UTF-16) order beyond the BMP. */
function compareKeys(a: StoredObject, b: StoredObject): number {
  return Buffer.compare(Buffer.from(a.key, 'utf8'), Buffer.from(b.key, 'utf8'));
}

/**
 * Objects on disk, one folder per bucket: `meta/<sha256(key)>.json` points at an immutable
 * `data/<uuid>` file. A write renames a complete data file into place, then atomically renames
 * the metadata over the old one, so a concurrent reader sees the old object or the new one,
 * never half of either. Metadata is also indexed in memory for HEAD and listing.
 * Data files are never written once in place, so a copy may share one (a hard link).
 */
export class ObjectStore {
  readonly #root: string;
  readonly #now: () => number;
  readonly #index = new Map<string, Map<string, StoredObject>>();
  readonly #sorted = new Map<string, StoredObject[]>();
  readonly #locks = new Map<string, Promise<void>>();
  #lastSequence = 0n;

  private constructor(root: string, now: () => number) {
    this.#root = root;
    this.#now = now;
  }

  /** Opens the store under `root` (creating folders as needed) and loads the metadata of `buckets`. */
  static async load(root: string, buckets: string[], now: () => number): Promise<ObjectStore> {
    const store = new ObjectStore(root, now);
    // Leftovers of interrupted writes: nothing references them.
    await rm(store.#tempDir(), { recursive: true, force: true });
    await mkdir(store.#tempDir(), { recursive: true });
    for (const bucket of buckets) await store.#load(bucket);
    return store;
  }

  async #load(bucket: string): Promise<void> {
    await mkdir(join(this.#bucketDir(bucket), 'meta'), { recursive: true });
    await mkdir(join(this.#bucketDir(bucket), 'data'), { recursive: true });
    const objects = new Map<string, StoredObject>();
    for (const name of await readdir(join(this.#bucketDir(bucket), 'meta'))) {
      if (!name.endsWith('.json')) continue;
      const text = await readFile(join(this.#bucketDir(bucket), 'meta', name), 'utf8');
      const object = storedObjectSchema.parse(JSON.parse(text));
      objects.set(object.key, object);
      const sequence = BigInt(`0x${object.sequencer}`);
      if (sequence > this.#lastSequence) this.#lastSequence = sequence;
    }
    this.#index.set(bucket, objects);
  }

  #bucketDir(bucket: string): string {
    return join(this.#root, 'buckets', bucket);
  }

  #tempDir(): string {
    return join(this.#root, 'tmp');
  }

  #metaPath(bucket: string, key: string): string {
    // Keys may hold any character and reach 1024 bytes: a hash is a safe, bounded file name.
    const name = createHash('sha256').update(key, 'utf8').digest('hex');
    return join(this.#bucketDir(bucket), 'meta', `${name}.json`);
  }

  #dataPath(bucket: string, dataFile: string): string {
    return join(this.#bucketDir(bucket), 'data', dataFile);
  }

  #objects(bucket: string): Map<string, StoredObject> {
    const objects = this.#index.get(bucket);
    if (!objects) throw new Error(`Expected a configured bucket but received "${bucket}"`);
    return objects;
  }

  /** Serializes writes and deletes of one key so disk and index always agree on the winner. */
  async #locked<T>(bucket: string, key: string, work: () => Promise<T>): Promise<T> {
    const id = `${bucket}\u0000${key}`;
    const previous = this.#locks.get(id) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#locks.set(id, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(id) === tail) this.#locks.delete(id);
    }
  }

  /** Strictly increasing across writes and restarts: the clock, shifted, or one more than the last. */
  #nextSequencer(): string {
    const fromClock = BigInt(Math.max(0, Math.floor(this.#now()))) << 16n;
    this.#lastSequence = fromClock > this.#lastSequence ? fromClock : this.#lastSequence + 1n;
    return this.#lastSequence.toString(16).toUpperCase().padStart(SEQUENCER_DIGITS, '0');
  }

  /** Whether `bucket` is one of the configured buckets. */
  hasBucket(bucket: string): boolean {
    return this.#index.has(bucket);
  }

  /** The metadata of `key`, or undefined when there is no such object. */
  head(bucket: string, key: string): StoredObject | undefined {
    return this.#objects(bucket).get(key);
  }

  /** Every object of `bucket`, in S3's listing order. */
  list(bucket: string): readonly StoredObject[] {
    let sorted = this.#sorted.get(bucket);
    if (!sorted) {
      sorted = [...this.#objects(bucket).values()].sort(compareKeys);
      this.#sorted.set(bucket, sorted);
    }
    return sorted;
  }

  /** A fresh path for a temporary file on the same file system as the data (so rename is atomic). */
  tempPath(): string {
    return join(this.#tempDir(), randomUUID());
  }

  /** Removes a temporary file that will not be committed. */
  async discard(path: string): Promise<void> {
    await rm(path, { force: true });
  }

  /**
   * Makes a fully written temporary file the object `key`, replacing any previous one atomically.
   * `guard` sees the object about to be replaced under the key's lock and may throw to refuse.
   */
  async commit(
    bucket: string,
    key: string,
    body: WrittenBody,
    attributes: ObjectAttributes,
    guard?: (current: StoredObject | undefined) => void,
  ): Promise<StoredObject> {
    const objects = this.#objects(bucket);
    return this.#locked(bucket, key, async () => {
      guard?.(objects.get(key));
      const dataFile = randomUUID();
      await rename(body.path, this.#dataPath(bucket, dataFile));
      const object: StoredObject = {
        ...attributes,
        key,
        size: body.size,
        etag: body.md5,
        lastModified: this.#now(),
        sequencer: this.#nextSequencer(),
        dataFile,
      };
      const metaTemp = this.tempPath();
      await writeFile(metaTemp, JSON.stringify(object));
      await rename(metaTemp, this.#metaPath(bucket, key));
      const previous = objects.get(key);
      objects.set(key, object);
      this.#sorted.delete(bucket);
      // Readers that opened the old data file keep their handle; new readers see the new metadata.
      if (previous) await rm(this.#dataPath(bucket, previous.dataFile), { force: true });
      return object;
    });
  }

  /**
   * A new temporary file with the bytes of `from`: a hard link where possible, else a copy
   * (a clone where the file system can), made by the kernel rather than through this process.
   */
  async #shareData(from: string): Promise<string> {
    const path = this.tempPath();
    try {
      await link(from, path);
    } catch (error) {
      if (!NO_HARD_LINK.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      try {
        await copyFile(from, path, constants.COPYFILE_FICLONE);
      } catch (copyError) {
        await this.discard(path);
        throw copyError;
      }
    }
    return path;
  }

  /**
   * Copies `source` to `destination` without reading the bytes: the source's data file is shared
   * into a temporary file, which is then committed like any write (atomically, replacing the
   * destination). `attributesFor` sees the exact version being copied and returns what the copy
   * sets; it may throw to refuse the copy. Undefined when the source does not exist.
   */
  async copy(
    source: ObjectLocation,
    destination: ObjectLocation,
    attributesFor: (object: StoredObject) => ObjectAttributes,
    guard?: (current: StoredObject | undefined) => void,
  ): Promise<StoredObject | undefined> {
    const objects = this.#objects(source.bucket);
    // Holding the source's lock keeps its data file in place between the lookup and the link,
    // so the bytes copied are those of the version the attributes were chosen from.
    const staged = await this.#locked(source.bucket, source.key, async () => {
      const object = objects.get(source.key);
      if (!object) return undefined;
      const attributes = attributesFor(object);
      const path = await this.#shareData(this.#dataPath(source.bucket, object.dataFile));
      return { body: { path, size: object.size, md5: object.etag }, attributes };
    });
    if (!staged) return undefined;
    try {
      return await this.commit(destination.bucket, destination.key, staged.body, staged.attributes, guard);
    } catch (error) {
      await this.discard(staged.body.path);
      throw error;
    }
  }

  /**
   * Deletes `key`; deleting a missing key is not an error (S3 answers 204 either way).
   * `guard` sees the object under the key's lock and may throw to refuse (a conditional delete).
   */
  async delete(
    bucket: string,
    key: string,
    guard?: (current: StoredObject | undefined) => void,
  ): Promise<void> {
    const objects = this.#objects(bucket);
    await this.#locked(bucket, key, async () => {
      const previous = objects.get(key);
      guard?.(previous);
      if (!previous) return;
      await rm(this.#metaPath(bucket, key), { force: true });
      objects.delete(key);
      this.#sorted.delete(bucket);
      await rm(this.#dataPath(bucket, previous.dataFile), { force: true });
    });
  }

  /** Opens `key` for reading, or undefined when missing. The handle must be closed by the caller. */
  async open(bucket: string, key: string): Promise<OpenObject | undefined> {
    // A write may replace the data file between the lookup and the open: look again then.
    for (let attempt = 0; attempt < 3; attempt++) {
      const object = this.#objects(bucket).get(key);
      if (!object) return undefined;
      try {
        return { object, handle: await open(this.#dataPath(bucket, object.dataFile), 'r') };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return undefined;
  }
}
