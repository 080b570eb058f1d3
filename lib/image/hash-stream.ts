import { createHash } from 'node:crypto';
import { formatByteSize } from '../format/byte-size.ts';
import { ImageRejectedError } from './image-errors.ts';

/** A whole object read into memory, with its SHA-256 computed on the way in. */
export interface HashedBytes {
  buffer: Buffer;
  /** Lower-case hex SHA-256 of `buffer`. */
  sha256: string;
  bytes: number;
}

/**
 * Collects a byte stream (an S3 `Body`, a file stream) into one buffer while hashing it in the
 * same pass. Throws `ImageRejectedError('too_large')` as soon as the running total passes
 * `maxBytes`; leaving the loop early makes `for await` call the iterator's `return()`, which
 * destroys a Node stream, so nothing more is read or buffered.
 */
export async function readAllHashed(
  stream: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<HashedBytes> {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new TypeError(`Expected a non-negative integer for maxBytes but received ${maxBytes}`);
  }
  const hash = createHash('sha256');
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      throw new ImageRejectedError(
        'too_large',
        `The file is larger than ${formatByteSize(maxBytes)}, the largest upload allowed.`,
      );
    }
    hash.update(chunk);
    // Kept by reference: Node and web streams hand out a fresh chunk each time, and the one copy
    // happens in Buffer.concat below.
    chunks.push(chunk);
  }
  return { buffer: Buffer.concat(chunks, bytes), sha256: hash.digest('hex'), bytes };
}
