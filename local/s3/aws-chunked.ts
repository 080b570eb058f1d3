import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from './errors.ts';

type State = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

/** A chunk-size line or trailer line longer than this is not aws-chunked. */
const MAX_LINE = 4096;
const CRLF = Buffer.from('\r\n');

/** S3's answer to a body that does not hold the bytes its length header declared. */
export function incompleteBody(expected: number, provided: number): S3Error {
  return new S3Error(
    'IncompleteBody',
    'You did not provide the number of bytes specified by the Content-Length HTTP header',
    400,
    { NumberBytesExpected: expected, NumberBytesProvided: provided },
  );
}

function malformed(reason: string): S3Error {
  return new S3Error('IncompleteBody', `The request body is not valid aws-chunked encoding: ${reason}`, 400);
}

/**
 * Decodes an `aws-chunked` body (`<hex size>[;ext]\r\n<data>\r\n ... 0\r\n<trailers>\r\n\r\n`),
 * as the SDK sends stream bodies with `STREAMING-UNSIGNED-PAYLOAD-TRAILER`, and collects the
 * trailers (e.g. `x-amz-checksum-crc32`) for checking once the body has ended. Chunks may not
 * add up to more than `maxBytes` (`x-amz-decoded-content-length`): a chunk size past it is
 * refused as soon as its line is read, before any of its data is passed on.
 */
export class AwsChunkedDecoder extends Transform {
  /** Trailer headers by lower-case name, complete once the stream has finished. */
  readonly trailers = new Map<string, string>();
  #state: State = 'size';
  #line = Buffer.alloc(0);
  #remaining = 0;
  /** The chunk sizes announced so far, added up. */
  #announced = 0;
  #trailerBytes = 0;
  readonly #maxBytes: number;

  constructor(maxBytes: number) {
    super();
    this.#maxBytes = maxBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    callback(this.#state === 'done' ? null : malformed('the body ended before its final chunk'));
  }

  #consume(input: Buffer): void {
    let chunk = input;
    while (chunk.length > 0) {
      if (this.#state === 'data') {
        const take = Math.min(this.#remaining, chunk.length);
        this.push(chunk.subarray(0, take));
        this.#remaining -= take;
        chunk = chunk.subarray(take);
        if (this.#remaining === 0) this.#state = 'data-end';
        continue;
      }
      // Bytes past the final chunk belong to no object; refusing them ends an endless body.
      if (this.#state === 'done') throw malformed('data follows the final chunk');
      const end = chunk.indexOf(0x0a);
      const piece = end < 0 ? chunk : chunk.subarray(0, end + 1);
      chunk = end < 0 ? Buffer.alloc(0) : chunk.subarray(end + 1);
      this.#line = Buffer.concat([this.#line, piece]);
      if (this.#line.length > MAX_LINE) throw malformed('a line is too long');
      if (end >= 0) {
        const line = this.#line;
        this.#line = Buffer.alloc(0);
        if (!line.subarray(-2).equals(CRLF)) throw malformed('a line does not end with CRLF');
        this.#onLine(line.subarray(0, -2).toString('latin1'));
      }
    }
  }

  #onLine(line: string): void {
    switch (this.#state) {
      case 'size': {
        // `;chunk-signature=...` belongs to signed streaming, which is refused before decoding.
        const hex = line.split(';')[0] ?? '';
        if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw malformed(`bad chunk size "${hex}"`);
        const size = Number.parseInt(hex, 16);
        // Checked before the data: a size no body may reach would otherwise stream to disk unbounded.
        if (!Number.isSafeInteger(size) || this.#announced + size > this.#maxBytes) {
          throw incompleteBody(this.#maxBytes, Math.min(this.#announced + size, Number.MAX_SAFE_INTEGER));
        }
        this.#announced += size;
        this.#remaining = size;
        this.#state = this.#remaining === 0 ? 'trailer' : 'data';
        return;
      }
      case 'data-end':
        if (line !== '') throw malformed('chunk data is longer than its size');
        this.#state = 'size';
        return;
      case 'trailer': {
        if (line === '') {
          this.#state = 'done';
          return;
        }
        // Trailers are held in memory: a few checksums, not an endless stream of lines.
        this.#trailerBytes += line.length;
        if (this.#trailerBytes > MAX_LINE) throw malformed('the trailers are too long');
        const colon = line.indexOf(':');
        if (colon <= 0) throw malformed(`bad trailer "${line}"`);
        this.trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        return;
      }
      default:
        return;
    }
  }
}
