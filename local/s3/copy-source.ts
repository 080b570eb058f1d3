import { notImplemented, S3Error } from './errors.ts';
import type { ObjectLocation } from './object-store.ts';

function invalidCopySource(value: string, cause?: unknown): S3Error {
  return new S3Error(
    'InvalidArgument',
    'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    400,
    { ArgumentName: 'x-amz-copy-source', ArgumentValue: value },
    { cause },
  );
}

/**
 * The object an `x-amz-copy-source` header names: `bucket/key` or `/bucket/key`, URL-encoded
 * (a `/` may be sent as `%2F`; `+` is a plus, not a space). `?versionId=` asks for a version,
 * which this unversioned endpoint does not keep: 501 NotImplemented.
 */
export function parseCopySource(value: string): ObjectLocation {
  // A literal `?` starts the version; one in a key arrives encoded as %3F.
  const at = value.indexOf('?');
  const rawPath = at < 0 ? value : value.slice(0, at);
  const query = new URLSearchParams(at < 0 ? '' : value.slice(at + 1));
  if (query.has('versionId')) throw notImplemented('CopyObject of a version (?versionId)');
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch (error) {
    throw invalidCopySource(value, error);
  }
  if (path.startsWith('/')) path = path.slice(1);
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw invalidCopySource(value);
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}
