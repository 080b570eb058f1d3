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
  etag?: string,
): Promise<void> {
  // With an ETag, only that version moves: a newer upload under the key is left to its own event.
  const pinned = etag ? `"${etag.replace(/"/g, '')}"` : undefined;
  if (destination) {
    try {
      // The SDK sends CopySource as given: each segment must be URL-encoded here.
      const source = `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
      await s3.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: destination,
          CopySource: source,
          CopySourceIfMatch: pinned,
        }),
      );
    } catch (error) {
      if (isMissing(error) || (pinned && isChanged(error))) return;
      throw error;
    }
  }
  try {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, IfMatch: pinned }));
  } catch (error) {
    if (!(pinned && (isChanged(error) || isMissing(error)))) throw error;
  }
}

function isChanged(error: unknown): boolean {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 412;
}

/**
 * Sets aside a later write to an accepted photo's upload key (a replay of its grant) under
 * `quarantine/`, named by its sequencer so each refused object is kept, or deletes it. Returns
 * where it went (null when deleted).
 */
export async function setAsideReplacement(
  s3: S3Client,
  bucket: string,
  key: string,
  sequencer: string,
  etag: string | undefined,
  mode: 'quarantine' | 'delete',
): Promise<string | null> {
  const destination = mode === 'quarantine' ? `${quarantineKey(key)}.replaced-${sequencer}` : null;
  await moveOrDelete(s3, bucket, key, destination, etag);
  return destination;
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
