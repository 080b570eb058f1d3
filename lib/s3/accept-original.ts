import { CopyObjectCommand, DeleteObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { OriginalTakenError } from './errors.ts';
import { ifMatch, ObjectChangedError, ObjectMissingError } from './object-reader.ts';

function status(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

async function etagAt(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.ETag?.replace(/"/g, '');
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw error;
  }
}

/**
 * Copies the checked upload (`key`, pinned to the ETag that was checked) to `destination`, where
 * no grant can write, server-side. The copy never replaces an object there (`If-None-Match: *`):
 * finding the same bytes there is a retry of this copy (fine); other bytes mean the photo was
 * accepted from another object (OriginalTakenError). A source that changed or went since the
 * check is ObjectChangedError / ObjectMissingError, as for a read.
 */
export async function copyAccepted(
  s3: S3Client,
  bucket: string,
  key: string,
  destination: string,
  etag: string,
): Promise<void> {
  const wanted = etag.replace(/"/g, '');
  try {
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: destination,
        CopySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
        CopySourceIfMatch: ifMatch(wanted),
        IfNoneMatch: '*',
      }),
    );
    return;
  } catch (error) {
    const code = status(error);
    if (code !== 412 && code !== 404) throw error;
    const present = await etagAt(s3, bucket, destination);
    if (present === wanted) return;
    if (present !== undefined) throw new OriginalTakenError(bucket, destination);
    if (code === 404) throw new ObjectMissingError(bucket, key);
    throw new ObjectChangedError(bucket, key, wanted);
  }
}

/**
 * Deletes `key` only while it still holds the version `etag` (`If-Match`): a newer upload under
 * the same key is left for its own event. Gone already, or replaced, is fine.
 */
export async function deleteIfUnchanged(
  s3: S3Client,
  bucket: string,
  key: string,
  etag: string,
): Promise<void> {
  try {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, IfMatch: ifMatch(etag) }));
  } catch (error) {
    const code = status(error);
    if (code !== 404 && code !== 412) throw error;
  }
}
