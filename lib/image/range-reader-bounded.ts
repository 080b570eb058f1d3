import { ExifBudgetError, ExifFormatError, RangeReadError } from './exif-errors.ts';
import type { RangeReader, ReadStats } from './range-reader.ts';

/** Random access to an object's bytes for the container walkers. */
export interface ByteSource {
  /** Size of the whole object in bytes. */
  readonly size: number;
  /**
   * Bytes [offset, offset + length), fewer only at the end of the object.
   * `readAhead` is how much to fetch on a miss when the caller is exploring (headers);
   * pass 0 for a payload of known length so nothing past it is read.
   */
  bytes(offset: number, length: number, readAhead?: number): Promise<Uint8Array>;
}

/** Limits and hints for a {@link BoundedSource}. */
export interface BoundedSourceOptions {
  /** Most ranged reads allowed. */
  maxRequests: number;
  /** Most bytes allowed across all reads. */
  maxBytes: number;
  /** Default bytes fetched on a miss (at least what was asked for). */
  readAhead: number;
  /** Bytes from offset 0 the caller already holds; reused, not counted. */
  head?: Uint8Array;
}

interface Window {
  start: number;
  data: Uint8Array;
}

/**
 * A {@link ByteSource} over a {@link RangeReader} that caches what it read and refuses to
 * exceed a request and byte budget, so a hostile file cannot make us read much of the object.
 */
export class BoundedSource implements ByteSource {
  readonly size: number;
  /** Reads and bytes spent so far (the head passed in is not counted). */
  readonly stats: ReadStats = { requests: 0, bytes: 0 };
  readonly #read: RangeReader;
  readonly #options: BoundedSourceOptions;
  #windows: Window[] = [];

  constructor(read: RangeReader, size: number, options: BoundedSourceOptions) {
    this.#read = read;
    this.size = size;
    this.#options = options;
    if (options.head && options.head.length > 0) {
      this.#windows.push({ start: 0, data: options.head.subarray(0, size) });
    }
  }

  async bytes(offset: number, length: number, readAhead = this.#options.readAhead): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new ExifFormatError(`Expected a byte range inside the file but received ${offset}+${length}`);
    }
    const end = Math.min(offset + length, this.size);
    if (end <= offset) return new Uint8Array(0);
    const hit = this.#windowAt(offset);
    if (hit && hit.start + hit.data.length >= end) {
      return hit.data.subarray(offset - hit.start, end - hit.start);
    }
    // Fetch only what the cached window lacks, then keep one merged window.
    const from = hit ? hit.start + hit.data.length : offset;
    const fetched = await this.#fetch(from, end - from, readAhead);
    const window = hit
      ? { start: hit.start, data: concat(hit.data, fetched) }
      : { start: from, data: fetched };
    this.#windows = this.#windows.filter((w) => w !== hit);
    this.#windows.push(window);
    return window.data.subarray(offset - window.start, Math.min(end - window.start, window.data.length));
  }

  #windowAt(offset: number): Window | undefined {
    let best: Window | undefined;
    for (const w of this.#windows) {
      const wEnd = w.start + w.data.length;
      if (w.start <= offset && offset < wEnd && (!best || wEnd > best.start + best.data.length)) best = w;
    }
    return best;
  }

  async #fetch(from: number, need: number, readAhead: number): Promise<Uint8Array> {
    const { maxRequests, maxBytes } = this.#options;
    const left = maxBytes - this.stats.bytes;
    if (this.stats.requests >= maxRequests || need > left) {
      throw new ExifBudgetError(
        `Expected EXIF within ${maxRequests} reads and ${maxBytes} bytes but the next read needs ${need} bytes at offset ${from}`,
        { requests: maxRequests, bytes: maxBytes },
        { ...this.stats },
      );
    }
    const length = Math.min(Math.max(need, readAhead), left, this.size - from);
    const data = await this.#read(from, from + length - 1).catch((cause: unknown) => {
      throw new RangeReadError(from, from + length - 1, cause);
    });
    this.stats.requests += 1;
    this.stats.bytes += data.length;
    // A reader that returns more than asked must not grow our window beyond the budget.
    return data.length > length ? data.subarray(0, length) : data;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
