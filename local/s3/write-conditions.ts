import type { IncomingHttpHeaders } from 'node:http';
import { noSuchKey, notImplemented, S3Error } from './errors.ts';
import { headerValue } from './headers.ts';
import type { StoredObject } from './object-store.ts';

/** What a conditional write or delete asks of the object it would replace (S3's conditional writes). */
export interface WriteCondition {
  /** `If-None-Match: *`: only if there is no object yet. */
  absent: boolean;
  /** `If-Match`: only if the current object has this ETag (unquoted). */
  etag: string | undefined;
}

function preconditionFailed(condition: string): S3Error {
  return new S3Error(
    'PreconditionFailed',
    'At least one of the pre-conditions you specified did not hold',
    412,
    { Condition: condition },
  );
}

/**
 * Reads `If-None-Match` / `If-Match` of a PutObject (or DeleteObject: `If-Match` only). S3 takes
 * `If-None-Match` on writes only as `*`; any other value, and the size and time conditions of
 * DeleteObject, are features this endpoint does not serve.
 */
export function writeCondition(headers: IncomingHttpHeaders, operation: 'put' | 'delete'): WriteCondition {
  const ifNoneMatch = headerValue(headers, 'if-none-match');
  const ifMatch = headerValue(headers, 'if-match');
  if (ifNoneMatch !== undefined && (operation === 'delete' || ifNoneMatch.trim() !== '*')) {
    throw notImplemented(
      `If-None-Match: ${ifNoneMatch} on ${operation === 'put' ? 'PutObject' : 'DeleteObject'}`,
    );
  }
  for (const name of ['x-amz-if-match-last-modified-time', 'x-amz-if-match-size']) {
    if (headers[name] !== undefined) throw notImplemented(name);
  }
  return {
    absent: ifNoneMatch !== undefined,
    etag: ifMatch === undefined ? undefined : ifMatch.trim().replace(/^W\//, '').replace(/^"|"$/g, ''),
  };
}

/**
 * Throws S3's answer when `current` (the object now stored, undefined when none) fails the
 * condition: 412 PreconditionFailed, or 404 NoSuchKey for `If-Match` on a missing key.
 * Called under the key's lock, so nothing can change between the check and the write.
 */
export function assertWriteCondition(
  condition: WriteCondition,
  current: StoredObject | undefined,
  key: string,
): void {
  if (condition.absent && current !== undefined) throw preconditionFailed('If-None-Match');
  if (condition.etag !== undefined) {
    if (current === undefined) throw noSuchKey(key);
    if (condition.etag !== '*' && condition.etag !== current.etag) throw preconditionFailed('If-Match');
  }
}
