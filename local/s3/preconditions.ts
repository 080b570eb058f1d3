import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from './headers.ts';

/** What conditional headers make of a GET or HEAD. */
export type Precondition =
  | { kind: 'proceed' }
  | { kind: 'not-modified' }
  | { kind: 'failed'; condition: string };

function etagListMatches(list: string, etag: string): boolean {
  return list
    .split(',')
    .map((item) => item.trim().replace(/^W\//, '').replace(/^"|"$/g, ''))
    .some((item) => item === '*' || item === etag);
}

/** HTTP dates have whole seconds; compare the object's time at that precision. */
function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function parseDate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : seconds(ms);
}

/**
 * Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since in RFC 9110
 * §13.2.2 order, as S3 does: a date condition is ignored when its ETag counterpart is present.
 */
export function evaluatePreconditions(
  headers: IncomingHttpHeaders,
  etag: string,
  lastModified: number,
): Precondition {
  const modified = seconds(lastModified);
  const ifMatch = headerValue(headers, 'if-match');
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, etag)) return { kind: 'failed', condition: 'If-Match' };
  } else {
    const since = parseDate(headerValue(headers, 'if-unmodified-since'));
    if (since !== undefined && modified > since) return { kind: 'failed', condition: 'If-Unmodified-Since' };
  }
  const ifNoneMatch = headerValue(headers, 'if-none-match');
  if (ifNoneMatch !== undefined) {
    if (etagListMatches(ifNoneMatch, etag)) return { kind: 'not-modified' };
  } else {
    const since = parseDate(headerValue(headers, 'if-modified-since'));
    if (since !== undefined && modified <= since) return { kind: 'not-modified' };
  }
  return { kind: 'proceed' };
}
