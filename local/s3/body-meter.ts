import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ChecksumAccumulator, type ChecksumAlgorithm } from './checksums.ts';

/** What to compute over a body while it streams to disk, and where to stop. */
export interface MeterOptions {
  /** Fail the stream with `tooLarge()` as soon as more than this many bytes pass. */
  maxBytes?: number;
  tooLarge?: (bytes: number) => Error;
  /** Also compute the hex SHA-256 (to check a signed `x-amz-content-sha256`). */
  sha256?: boolean;
  /** Also compute this flexible checksum. */
  checksum?: ChecksumAlgorithm;
}

/**
 * A pass-through that counts bytes and computes the MD5 (the ETag), optionally the SHA-256
 * and a flexible checksum, so a body is read once, never held in memory, and an oversized one
 * is cut off at the first byte over the limit.
 */
export class BodyMeter extends Transform {
  bytes = 0;
  readonly #md5 = createHash('md5');
  readonly #sha256: Hash | undefined;
  readonly #checksum: ChecksumAccumulator | undefined;
  readonly #options: MeterOptions;

  constructor(options: MeterOptions = {}) {
    super();
    this.#options = options;
    this.#sha256 = options.sha256 ? createHash('sha256') : undefined;
    this.#checksum = options.checksum ? new ChecksumAccumulator(options.checksum) : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const { maxBytes, tooLarge } = this.#options;
    if (maxBytes !== undefined && this.bytes > maxBytes) {
      callback(tooLarge ? tooLarge(this.bytes) : new Error(`Expected at most ${maxBytes} bytes`));
      return;
    }
    this.#md5.update(chunk);
    this.#sha256?.update(chunk);
    this.#checksum?.update(chunk);
    callback(null, chunk);
  }

  /** The hex MD5 of everything that passed: S3's ETag for a single-part object. Call once, at the end. */
  md5(): string {
    return this.#md5.digest('hex');
  }

  /** The hex SHA-256, when asked for. Call once, at the end. */
  sha256(): string | undefined {
    return this.#sha256?.digest('hex');
  }

  /** The flexible checksum (base64), when asked for. Call once, at the end. */
  checksum(): string | undefined {
    return this.#checksum?.digest();
  }
}
