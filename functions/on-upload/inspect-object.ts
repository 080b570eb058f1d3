import type { S3Client } from '@aws-sdk/client-s3';
import { formatByteSize } from '../../lib/format/byte-size.ts';
import type { ExifFacts } from '../../lib/image/exif.ts';
import { readExif } from '../../lib/image/exif.ts';
import { countingReader } from '../../lib/image/range-reader.ts';
import { isDeclaredTypeCompatible, type SniffedType, sniffImageType } from '../../lib/image/sniff.ts';
import { headObject, s3RangeReader } from '../../lib/s3/object-reader.ts';
import { topology } from '../../lib/topology/topology.ts';
import { reject } from './verdicts.ts';

/** The first read covers the magic bytes and, for JPEG and PNG, the whole EXIF segment. */
export const HEAD_BYTES = 64 * 1024;

/** What the checks learned about an object that passed them. */
export interface Inspection {
  size: number;
  type: SniffedType;
  exif: ExifFacts | null;
  exifError?: string;
  reads: { requests: number; bytes: number };
}

/**
 * Checks size, then the real type from the magic bytes, then reads EXIF — all from ranged
 * reads, never the whole object. Throws a VerdictError for a bad object.
 */
export async function inspectObject(
  s3: S3Client,
  object: { bucket: string; key: string; size?: number; etag?: string; declaredType: string },
  maxBytes: number,
): Promise<Inspection> {
  const size = object.size ?? (await headObject(s3, object.bucket, object.key)).size;
  if (size === 0) throw reject('empty', 'The file is empty.');
  if (size > maxBytes)
    throw reject(
      'too_large',
      `The file is larger than ${formatByteSize(maxBytes)}, the largest upload allowed (it is ${formatByteSize(size)}).`,
    );

  const counted = countingReader(s3RangeReader(s3, object.bucket, object.key, object.etag));
  const head = await counted.read(0, Math.min(size, HEAD_BYTES) - 1);
  const type = sniffImageType(head);
  if (!type || !(type in topology.uploads.contentTypes)) {
    throw reject('not_an_image', `The file is not a JPEG, PNG, WebP or HEIC photo (${describe(head)}).`);
  }
  if (!isDeclaredTypeCompatible(object.declaredType, type)) {
    throw reject('type_mismatch', `The file was declared ${object.declaredType} but is really ${type}.`);
  }
  const exif = await readExif(counted.read, size, type, head);
  return {
    size,
    type,
    exif: exif.facts,
    ...(exif.error ? { exifError: exif.error } : {}),
    reads: { requests: counted.stats.requests, bytes: counted.stats.bytes },
  };
}

function describe(head: Uint8Array): string {
  const text = Buffer.from(head.subarray(0, 64)).toString('latin1').trimStart().toLowerCase();
  if (text.startsWith('<!doctype html') || text.startsWith('<html')) return 'it looks like HTML';
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg')))
    return 'it looks like SVG';
  if (text.startsWith('%pdf')) return 'it looks like a PDF';
  if (text.startsWith('gif8')) return 'it looks like a GIF';
  return 'unknown content';
}
