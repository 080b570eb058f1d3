import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { S3Error } from './errors.ts';

/** The flexible checksums this endpoint can verify (the SDK's default is CRC32). */
export type ChecksumAlgorithm = 'crc32' | 'sha1' | 'sha256';

/** A checksum the client sent (header or aws-chunked trailer), base64 as S3 takes it. */
export interface Checksum {
  algorithm: ChecksumAlgorithm;
  value: string;
}

const ALGORITHMS: readonly ChecksumAlgorithm[] = ['crc32', 'sha1', 'sha256'];
/** Every flexible checksum S3 takes, verifiable here or not. */
const S3_ALGORITHMS: ReadonlySet<string> = new Set([...ALGORITHMS, 'crc32c', 'crc64nvme']);
const PREFIX = 'x-amz-checksum-';

/**
 * Whether a header name carries a checksum value of any algorithm S3 takes (`x-amz-checksum-crc32c`
 * is one; `x-amz-checksum-mode`, `-type` and `-algorithm` are not).
 */
export function isChecksumValueHeader(headerName: string): boolean {
  const name = headerName.toLowerCase();
  return name.startsWith(PREFIX) && S3_ALGORITHMS.has(name.slice(PREFIX.length));
}

/** The algorithm a header name (`x-amz-checksum-crc32`) carries, if it is one we can verify. */
export function checksumAlgorithmOf(headerName: string): ChecksumAlgorithm | undefined {
  const name = headerName.toLowerCase();
  if (!name.startsWith(PREFIX)) return undefined;
  return ALGORITHMS.find((a) => a === name.slice(PREFIX.length));
}

/** The header name S3 uses for an algorithm's checksum. */
export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return `${PREFIX}${algorithm}`;
}

/** Computes one checksum incrementally over a body. */
export class ChecksumAccumulator {
  readonly algorithm: ChecksumAlgorithm;
  #crc = 0;
  readonly #hash: Hash | undefined;

  constructor(algorithm: ChecksumAlgorithm) {
    this.algorithm = algorithm;
    this.#hash = algorithm === 'crc32' ? undefined : createHash(algorithm);
  }

  /** Adds a chunk. */
  update(chunk: Buffer): void {
    if (this.#hash) this.#hash.update(chunk);
    else this.#crc = crc32(chunk, this.#crc);
  }

  /** The checksum as S3 writes it: base64 of the big-endian digest. */
  digest(): string {
    if (this.#hash) return this.#hash.digest('base64');
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(this.#crc >>> 0);
    return bytes.toString('base64');
  }
}

/** Throws S3's BadDigest when the computed checksum differs from the one the client sent. */
export function assertChecksum(expected: Checksum, actual: string): void {
  if (expected.value !== actual) {
    const name = expected.algorithm.toUpperCase();
    throw new S3Error('BadDigest', `The ${name} you specified did not match the calculated checksum.`, 400);
  }
}
