import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/**
 * Moves an object to another key in the same bucket (get, put, delete), or only deletes it.
 * A missing source is fine: a retry after a crash may find the move already done.
 */
export async function moveOrDelete(
  s3: S3Client,
  bucket: string,
  key: string,
  destination: string | null,
): Promise<void> {
  if (destination) {
    let source: GetObjectCommandOutput;
    try {
      source = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return;
      throw error;
    }
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: destination,
        Body: source.Body,
        ContentLength: source.ContentLength,
        ContentType: source.ContentType ?? 'application/octet-stream',
      }),
    );
  }
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}
