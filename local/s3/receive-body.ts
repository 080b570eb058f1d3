import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AwsChunkedDecoder, incompleteBody } from './aws-chunked.ts';
import { BodyMeter } from './body-meter.ts';
import { assertChecksum, type Checksum, checksumAlgorithmOf, isChecksumValueHeader } from './checksums.ts';
import { notImplemented, S3Error } from './errors.ts';
import { headerValue } from './headers.ts';
import { IO_CHUNK_BYTES } from './io-chunk.ts';
import type { ObjectStore, WrittenBody } from './object-store.ts';

/** A PUT body written to a temporary file, with the checksum it was verified against. */
export interface ReceivedBody extends WrittenBody {
  checksum?: Checksum;
  /** `Content-Encoding` without the `aws-chunked` transfer coding, as S3 stores it. */
  contentEncoding?: string;
}

/** S3's largest single PUT. */
const MAX_PUT_BYTES = 5 * 1024 ** 3;

function declaredLength(req: IncomingMessage, chunked: boolean): number {
  const text = chunked
    ? headerValue(req.headers, 'x-amz-decoded-content-length')
    : headerValue(req.headers, 'content-length');
  if (text === undefined) {
    throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.', 411);
  }
  const length = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(length)) {
    throw new S3Error('InvalidArgument', `Expected a byte count but received "${text}"`, 400);
  }
  if (length > MAX_PUT_BYTES) {
    throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
      ProposedSize: length,
      MaxSizeAllowed: MAX_PUT_BYTES,
    });
  }
  return length;
}

/**
 * The checksum the client promises, from a header now or a trailer later; undefined if none.
 * One at most, as S3 takes; one this endpoint cannot verify is refused rather than stored unchecked.
 */
function expectedChecksumAlgorithm(
  req: IncomingMessage,
  chunked: boolean,
): Checksum['algorithm'] | undefined {
  const declared = Object.keys(req.headers).filter(isChecksumValueHeader);
  const trailer = chunked ? headerValue(req.headers, 'x-amz-trailer') : undefined;
  for (const name of trailer?.split(',') ?? []) {
    const trimmed = name.trim().toLowerCase();
    if (!isChecksumValueHeader(trimmed)) {
      throw new S3Error(
        'InvalidRequest',
        'The value specified in the x-amz-trailer header is not supported',
        400,
      );
    }
    declared.push(trimmed);
  }
  if (declared.length > 1) {
    throw new S3Error(
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
      400,
    );
  }
  const [name] = declared;
  if (name === undefined) return undefined;
  const algorithm = checksumAlgorithmOf(name);
  if (!algorithm) throw notImplemented(`${name} (this endpoint verifies CRC32, SHA1 and SHA256 checksums)`);
  return algorithm;
}

function contentMd5(req: IncomingMessage): string | undefined {
  const value = headerValue(req.headers, 'content-md5');
  if (value === undefined) return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 16 || bytes.toString('base64') !== value) {
    throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400);
  }
  return bytes.toString('hex');
}

function verify(
  req: IncomingMessage,
  meter: BodyMeter,
  expected: { length: number; payloadHash: string; md5: string | undefined; checksum: Checksum | undefined },
): { md5: string } {
  if (meter.bytes !== expected.length) throw incompleteBody(expected.length, meter.bytes);
  const md5 = meter.md5();
  const sha256 = meter.sha256();
  if (sha256 !== undefined && sha256 !== expected.payloadHash) {
    throw new S3Error(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
      400,
      { ClientComputedContentSHA256: expected.payloadHash, S3ComputedContentSHA256: sha256 },
    );
  }
  if (expected.md5 !== undefined && expected.md5 !== md5) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400, {
      ExpectedDigest: headerValue(req.headers, 'content-md5') ?? '',
      CalculatedDigest: Buffer.from(md5, 'hex').toString('base64'),
    });
  }
  const checksum = meter.checksum();
  if (expected.checksum && checksum !== undefined) assertChecksum(expected.checksum, checksum);
  return { md5 };
}

/**
 * Streams a PutObject body to a temporary file, decoding `aws-chunked` when the SDK sent a
 * stream, and checks what the client promised about it: its length, its signed SHA-256
 * (when `x-amz-content-sha256` is a hash), its Content-MD5 and its flexible checksum
 * (header or trailer). Nothing is committed here; a failed check removes the file.
 */
export async function receiveBody(
  req: IncomingMessage,
  payloadHash: string,
  store: ObjectStore,
): Promise<ReceivedBody> {
  if (payloadHash.startsWith('STREAMING-AWS4-')) {
    throw notImplemented('signed aws-chunked payloads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)');
  }
  const encodings = (headerValue(req.headers, 'content-encoding') ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
  const chunked = encodings.includes('aws-chunked') || payloadHash === 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  const length = declaredLength(req, chunked);
  const md5 = contentMd5(req);
  const algorithm = expectedChecksumAlgorithm(req, chunked);
  const meter = new BodyMeter({
    // Cut off at the first byte past the declared length, not after the whole body is on disk.
    maxBytes: length,
    tooLarge: (bytes) => incompleteBody(length, bytes),
    sha256: /^[0-9a-f]{64}$/.test(payloadHash),
    checksum: algorithm,
  });
  const decoder = chunked ? new AwsChunkedDecoder(length) : undefined;
  const path = store.tempPath();
  try {
    const stages: Readable[] = decoder ? [req, decoder, meter] : [req, meter];
    await pipeline([...stages, createWriteStream(path, { highWaterMark: IO_CHUNK_BYTES })]);
    const value = algorithm
      ? (decoder?.trailers.get(`x-amz-checksum-${algorithm}`) ??
        headerValue(req.headers, `x-amz-checksum-${algorithm}`))
      : undefined;
    if (algorithm && value === undefined) {
      throw new S3Error(
        'MalformedTrailerError',
        'The request contained trailing data that was not well-formed or did not conform to our published schema.',
        400,
      );
    }
    const checksum = algorithm && value !== undefined ? { algorithm, value } : undefined;
    const verified = verify(req, meter, { length, payloadHash, md5, checksum });
    const contentEncoding = encodings.filter((token) => token !== 'aws-chunked').join(', ') || undefined;
    return { path, size: meter.bytes, md5: verified.md5, checksum, contentEncoding };
  } catch (error) {
    await store.discard(path);
    throw error;
  }
}
