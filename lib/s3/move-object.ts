import { CopyObjectCommand, DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { quarantineKey } from '../keys/photo-keys.ts';

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * Moves an object to another key of the same bucket (a server-side CopyObject, so no byte passes
 * through the function, then a delete), or only deletes it. A missing source is fine: a retry
 * after a crash may find the move already done.
 */
export async function moveOrDelete(
  s3: S3Client,
  bucket: string,
  key: string,
  destination: string | null,
): Promise<void> {
  if (destination) {
    try {
      // The SDK sends CopySource as given: each segment must be URL-encoded here.
      const source = `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: destination, CopySource: source }));
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
  }
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** Sets a rejected original aside as configured: moved under `quarantine/`, or deleted. */
export function setAsideRejected(
  s3: S3Client,
  bucket: string,
  key: string,
  mode: 'quarantine' | 'delete',
): Promise<void> {
  return moveOrDelete(s3, bucket, key, mode === 'quarantine' ? quarantineKey(key) : null);
}
