import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from './headers.ts';
import type { ObjectAttributes, StoredObject } from './object-store.ts';

const META_PREFIX = 'x-amz-meta-';

/**
 * What a PutObject (or a CopyObject with `REPLACE`) sets from its headers: the content headers
 * and `x-amz-meta-*`. The checksum describes bytes, not headers, so the caller supplies it.
 */
export function attributesFromHeaders(headers: IncomingHttpHeaders): ObjectAttributes {
  const metadata: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headerValue(headers, name);
    if (name.startsWith(META_PREFIX) && value !== undefined) metadata[name.slice(META_PREFIX.length)] = value;
  }
  return {
    // S3's type for an object stored without one.
    contentType: headerValue(headers, 'content-type') ?? 'binary/octet-stream',
    cacheControl: headerValue(headers, 'cache-control'),
    contentDisposition: headerValue(headers, 'content-disposition'),
    contentEncoding: headerValue(headers, 'content-encoding'),
    contentLanguage: headerValue(headers, 'content-language'),
    metadata,
  };
}

/** The attributes a stored object carries, as a CopyObject with `COPY` takes them over. */
export function attributesOf(object: StoredObject): ObjectAttributes {
  return {
    contentType: object.contentType,
    cacheControl: object.cacheControl,
    contentDisposition: object.contentDisposition,
    contentEncoding: object.contentEncoding,
    contentLanguage: object.contentLanguage,
    metadata: { ...object.metadata },
    checksum: object.checksum,
  };
}
