import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RangeReader } from '../image/range-reader.ts';

/** Raised when the object is gone (deleted before it was processed). */
export class ObjectMissingError extends Error {
  constructor(bucket: string, key: string) {
    super(`Expected s3://${bucket}/${key} to exist but it is gone`);
    this.name = 'ObjectMissingError';
  }
}

/** Raised when the object no longer is the version an event announced (its ETag changed). */
export class ObjectChangedError extends Error {
  constructor(bucket: string, key: string, etag: string) {
    super(`Expected s3://${bucket}/${key} to still have ETag ${etag} but it was overwritten`);
    this.name = 'ObjectChangedError';
  }
}

/** The If-Match value for an ETag as S3 events carry it (without quotes). */
export function ifMatch(etag: string | undefined): string | undefined {
  return etag ? `"${etag.replace(/"/g, '')}"` : undefined;
}

function isChanged(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412;
}

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * A ranged reader over one S3 object: `Range: bytes=start-end`, nothing more. With an ETag, every
 * read is pinned to that version (`If-Match`), so a check never mixes bytes of two uploads.
 */
export function s3RangeReader(s3: S3Client, bucket: string, key: string, etag?: string): RangeReader {
  return async (start, endInclusive) => {
    try {
      const out = await s3.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          Range: `bytes=${start}-${endInclusive}`,
          IfMatch: ifMatch(etag),
        }),
      );
      return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (error) {
      if (isMissing(error)) throw new ObjectMissingError(bucket, key);
      if (etag && isChanged(error)) throw new ObjectChangedError(bucket, key, etag);
      // An empty object answers 416 to any range: it has no bytes to give.
      if ((error as { name?: string }).name === 'InvalidRange') return new Uint8Array();
      throw error;
    }
  };
}

/** The size and type of an object, or ObjectMissingError. */
export async function headObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ size: number; contentType?: string }> {
  try {
    const out = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { size: out.ContentLength ?? 0, ...(out.ContentType ? { contentType: out.ContentType } : {}) };
  } catch (error) {
    if (isMissing(error)) throw new ObjectMissingError(bucket, key);
    throw error;
  }
}
