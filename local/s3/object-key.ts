import { S3Error } from './errors.ts';

/** S3 keys are at most 1024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

/** The key, if S3 would accept it for a write; otherwise S3's error. */
export function validateKey(key: string): string {
  if (key === '')
    throw new S3Error('InvalidArgument', 'The key must not be empty.', 400, { ArgumentName: 'key' });
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', 'Your key is too long', 400, {
      MaxSizeAllowed: MAX_KEY_BYTES,
      Size: Buffer.byteLength(key, 'utf8'),
    });
  }
  return key;
}
