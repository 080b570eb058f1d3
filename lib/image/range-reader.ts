/** Reads bytes [start, end] inclusive of an object of known size; returns fewer bytes at EOF. */
export type RangeReader = (start: number, endInclusive: number) => Promise<Uint8Array>;

/** Request and byte counters kept by {@link countingReader}. */
export interface ReadStats {
  requests: number;
  bytes: number;
}

/** Wraps a reader to count requests and bytes (used by tests and by the handler's logs). */
export function countingReader(read: RangeReader): { read: RangeReader; stats: ReadStats } {
  const stats: ReadStats = { requests: 0, bytes: 0 };
  const counted: RangeReader = async (start, endInclusive) => {
    stats.requests += 1;
    const bytes = await read(start, endInclusive);
    stats.bytes += bytes.length;
    return bytes;
  };
  return { read: counted, stats };
}

/** A reader over an in-memory buffer (tests, benchmarks). */
export function bufferReader(buf: Uint8Array): RangeReader {
  return async (start, endInclusive) => {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(endInclusive) || start < 0) {
      throw new RangeError(`Expected a range of non-negative integers but received ${start}-${endInclusive}`);
    }
    // Like an HTTP Range past EOF: clamp instead of failing, so callers see a short read.
    return buf.subarray(Math.min(start, buf.length), Math.min(endInclusive + 1, buf.length));
  };
}
