import { ExifError, RangeReadError } from './exif-errors.ts';
import { findHeifExif } from './exif-heif.ts';
import { findJpegExif } from './exif-jpeg.ts';
import { findPngExif } from './exif-png.ts';
import { parseTiffBlock } from './exif-tiff.ts';
import type { ExifReadResult } from './exif-types.ts';
import type { RangeReader } from './range-reader.ts';
import { BoundedSource, type ByteSource } from './range-reader-bounded.ts';
import { findWebpExif } from './riff.ts';
import type { SniffedType } from './sniff.ts';

export type { ExifFacts, ExifReadResult, GpsFix } from './exif-types.ts';

/** Most ranged reads `readExif` makes for one object. */
export const EXIF_MAX_REQUESTS = 3;
/** Most bytes `readExif` reads for one object (96 KiB). */
export const EXIF_MAX_BYTES = 96 * 1024;

const KiB = 1024;

interface Strategy {
  /** Walks the container and returns the EXIF/TIFF block, or null when there is none. */
  find: (source: ByteSource) => Promise<Uint8Array | null>;
  /** Bytes fetched on a miss while exploring headers. */
  readAhead: number;
}

// JPEG and PNG keep EXIF near the start: one 64 KiB read holds a whole APP1 segment (≤ 64 KiB)
// behind the usual APP0. WebP and HEIF hop to chunk or box headers, so smaller windows do.
const STRATEGIES: Record<SniffedType, Strategy> = {
  'image/jpeg': { find: findJpegExif, readAhead: 64 * KiB },
  'image/png': { find: findPngExif, readAhead: 64 * KiB },
  'image/webp': { find: findWebpExif, readAhead: 16 * KiB },
  'image/heic': { find: findHeifExif, readAhead: 16 * KiB },
  'image/heif': { find: findHeifExif, readAhead: 16 * KiB },
  'image/avif': { find: findHeifExif, readAhead: 16 * KiB },
};

/**
 * Locates the TIFF/EXIF block with ≤ 3 ranged reads and ≤ 96 KiB in total, then parses it with exifr.
 * A malformed or hostile file never makes it throw: it resolves with `facts: null` (or facts with
 * nulls) and an `error`. It rejects only when `read` itself fails, with the reader's own error,
 * because that is a transient fault of the store (to retry), not a verdict on the file.
 */
export async function readExif(
  read: RangeReader,
  size: number,
  type: SniffedType,
  head?: Uint8Array,
): Promise<ExifReadResult> {
  // hasOwn: a type that slipped past the compiler must not pick up Object.prototype members.
  const strategy = Object.hasOwn(STRATEGIES, type) ? STRATEGIES[type] : undefined;
  if (!strategy || !Number.isSafeInteger(size) || size < 0) {
    return {
      facts: null,
      requests: 0,
      bytes: 0,
      error: `Expected a sniffed image type and a size but received ${type}, ${size}`,
    };
  }
  const source = new BoundedSource(read, size, {
    maxRequests: EXIF_MAX_REQUESTS,
    maxBytes: EXIF_MAX_BYTES,
    readAhead: strategy.readAhead,
    head,
  });
  const spent = () => ({ requests: source.stats.requests, bytes: source.stats.bytes });
  try {
    const block = await strategy.find(source);
    if (!block) return { facts: null, ...spent() };
    const { facts, problems } = await parseTiffBlock(block);
    return problems.length > 0 ? { facts, ...spent(), error: problems.join('; ') } : { facts, ...spent() };
  } catch (error) {
    if (error instanceof RangeReadError) throw error.cause;
    // Malformed files are expected input, not faults: report them instead of throwing.
    const message = error instanceof ExifError ? error.message : `Unexpected: ${String(error)}`;
    return { facts: null, ...spent(), error: message };
  }
}
