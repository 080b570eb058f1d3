import { S3Error } from './errors.ts';

/** What a path-style request names: the raw path (for signing), the bucket, the key and the query. */
export interface RequestTarget {
  /** The path as received, percent-encoding kept. */
  rawPath: string;
  /** The first path segment, decoded; '' for the service root. */
  bucket: string;
  /** The rest of the path after `/{bucket}/`, decoded; '' when the request names the bucket. */
  key: string;
  /**
   * Query parameters, decoded; a repeated name becomes an array. A null-prototype object: names
   * come from the client, and `constructor` or `__proto__` must be parameters like any other.
   */
  query: Record<string, string | string[]>;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch (error) {
    throw new S3Error(
      'InvalidURI',
      "Couldn't parse the specified URI.",
      400,
      { URI: text },
      { cause: error },
    );
  }
}

function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null);
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    // '+' stays '+': SigV4 clients encode a space as %20, and S3 keys may hold '+'.
    const name = decode(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? '' : decode(pair.slice(at + 1));
    const previous = Object.hasOwn(query, name) ? query[name] : undefined;
    if (previous === undefined) query[name] = value;
    else query[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return query;
}

/** Splits a request URL (`/bucket/some/key?x=1`) into its path-style parts. */
export function parseTarget(url: string): RequestTarget {
  const at = url.indexOf('?');
  const rawPath = at < 0 ? url : url.slice(0, at);
  const rawQuery = at < 0 ? '' : url.slice(at + 1);
  if (!rawPath.startsWith('/')) throw new S3Error('InvalidURI', "Couldn't parse the specified URI.", 400);
  const rest = rawPath.slice(1);
  const slash = rest.indexOf('/');
  const bucket = decode(slash < 0 ? rest : rest.slice(0, slash));
  const key = slash < 0 ? '' : decode(rest.slice(slash + 1));
  return { rawPath, bucket, key, query: parseQuery(rawQuery) };
}

/** Whether the query names parameter `name` (with or without a value). */
export function hasQuery(target: RequestTarget, name: string): boolean {
  return Object.hasOwn(target.query, name);
}

/** The single value of query parameter `name` (the first one if repeated). */
export function queryValue(target: RequestTarget, name: string): string | undefined {
  if (!Object.hasOwn(target.query, name)) return undefined;
  const value = target.query[name];
  return Array.isArray(value) ? value[0] : value;
}
