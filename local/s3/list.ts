import { invalidArgument } from './errors.ts';
import type { StoredObject } from './object-store.ts';
import { queryValue, type RequestTarget } from './request-target.ts';
import { formEncodeKey } from './url-encoding.ts';
import { S3_NAMESPACE, type XmlNode, xmlDocument } from './xml.ts';

/** S3 returns at most 1000 keys per page, whatever `max-keys` asks. */
const MAX_KEYS = 1000;

interface ListParams {
  prefix: string;
  delimiter: string | undefined;
  maxKeys: number;
  startAfter: string | undefined;
  continuationToken: string | undefined;
  /** Where to resume: strictly after this key. */
  after: string | undefined;
  encode: (text: string) => string;
}

function parseMaxKeys(text: string | undefined): number {
  if (text === undefined) return MAX_KEYS;
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', text);
  }
  const value = Number(text);
  if (value < 0) {
    throw invalidArgument('Argument maxKeys must be an integer between 0 and 2147483647', 'max-keys', text);
  }
  return Math.min(value, MAX_KEYS);
}

/** Tokens are opaque to clients; here, the last key of the previous page. */
function encodeToken(key: string): string {
  return Buffer.from(`v1:${key}`, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('v1:') || encodeToken(text.slice(3)) !== token) {
    throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  return text.slice(3);
}

function parseParams(target: RequestTarget): ListParams {
  const encoding = queryValue(target, 'encoding-type');
  if (encoding !== undefined && encoding !== 'url') {
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encoding);
  }
  const startAfter = queryValue(target, 'start-after') || undefined;
  const continuationToken = queryValue(target, 'continuation-token') || undefined;
  return {
    prefix: queryValue(target, 'prefix') ?? '',
    delimiter: queryValue(target, 'delimiter') || undefined,
    maxKeys: parseMaxKeys(queryValue(target, 'max-keys')),
    startAfter,
    continuationToken,
    // A continuation token wins over start-after, which only positions the first page.
    after: continuationToken !== undefined ? decodeToken(continuationToken) : startAfter,
    encode: encoding === 'url' ? formEncodeKey : (text) => text,
  };
}

function isAfter(key: string, after: string | undefined): boolean {
  return after === undefined || Buffer.compare(Buffer.from(key, 'utf8'), Buffer.from(after, 'utf8')) > 0;
}

interface Page {
  contents: StoredObject[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key this page covered (directly or under a common prefix). */
  last: string | undefined;
}

function collect(objects: readonly StoredObject[], params: ListParams): Page {
  const page: Page = { contents: [], commonPrefixes: [], truncated: false, last: undefined };
  const { prefix, delimiter, maxKeys } = params;
  for (const object of objects) {
    if (!object.key.startsWith(prefix) || !isAfter(object.key, params.after)) continue;
    const at = delimiter === undefined ? -1 : object.key.indexOf(delimiter, prefix.length);
    const commonPrefix =
      at < 0 || delimiter === undefined ? undefined : object.key.slice(0, at + delimiter.length);
    if (commonPrefix !== undefined && commonPrefix === page.commonPrefixes.at(-1)) {
      page.last = object.key;
      continue;
    }
    if (page.contents.length + page.commonPrefixes.length >= maxKeys) {
      page.truncated = maxKeys > 0;
      break;
    }
    if (commonPrefix !== undefined) page.commonPrefixes.push(commonPrefix);
    else page.contents.push(object);
    page.last = object.key;
  }
  return page;
}

function contentsNode(object: StoredObject, encode: (text: string) => string): XmlNode {
  return [
    'Contents',
    [
      ['Key', encode(object.key)],
      ['LastModified', new Date(object.lastModified).toISOString()],
      ['ETag', `"${object.etag}"`],
      ['Size', object.size],
      ['StorageClass', 'STANDARD'],
    ],
  ];
}

/** Answers ListObjectsV2 (`GET /{bucket}?list-type=2`) over a bucket's objects in listing order. */
export function listObjectsV2(
  bucket: string,
  objects: readonly StoredObject[],
  target: RequestTarget,
): string {
  const params = parseParams(target);
  const page = collect(objects, params);
  const { encode } = params;
  const encoded = queryValue(target, 'encoding-type') === 'url';
  return xmlDocument(
    'ListBucketResult',
    [
      ['Name', bucket],
      ['Prefix', encode(params.prefix)],
      ['Delimiter', params.delimiter === undefined ? undefined : encode(params.delimiter)],
      ['MaxKeys', params.maxKeys],
      ['EncodingType', encoded ? 'url' : undefined],
      ['KeyCount', page.contents.length + page.commonPrefixes.length],
      ['IsTruncated', page.truncated],
      ['ContinuationToken', params.continuationToken],
      [
        'NextContinuationToken',
        page.truncated && page.last !== undefined ? encodeToken(page.last) : undefined,
      ],
      ['StartAfter', params.startAfter === undefined ? undefined : encode(params.startAfter)],
      ...page.contents.map((object) => contentsNode(object, encode)),
      ...page.commonPrefixes.map((p): XmlNode => ['CommonPrefixes', [['Prefix', encode(p)]]]),
    ],
    S3_NAMESPACE,
  );
}
