import { randomBytes } from 'node:crypto';

/** A request id shaped like S3's `x-amz-request-id`: 16 upper-case hex digits. */
export function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** A host id shaped like S3's `x-amz-id-2`: opaque base64. */
export function newHostId(): string {
  return randomBytes(48).toString('base64');
}
