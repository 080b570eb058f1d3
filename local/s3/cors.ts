import type { IncomingHttpHeaders } from 'node:http';
import type { CorsRule } from '../../lib/topology/types.ts';
import { S3Error } from './errors.ts';
import { headerValue } from './headers.ts';

/** Response headers to add for CORS. */
export type CorsHeaders = Record<string, string>;

/** S3 varies on these whenever a bucket has CORS rules, allowed or not. */
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/** Whether `value` matches `pattern`, which may hold one `*` (S3 allows one per origin or header). */
function wildcardMatch(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === value;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}

function originAllowed(rule: CorsRule, origin: string): boolean {
  return rule.allowedOrigins.some((pattern) => wildcardMatch(pattern, origin));
}

function headerAllowed(rule: CorsRule, name: string): boolean {
  // Header names are case-insensitive; origins are not.
  return rule.allowedHeaders.some((pattern) => wildcardMatch(pattern.toLowerCase(), name));
}

function allowHeaders(rule: CorsRule, origin: string): CorsHeaders {
  const wildcard = rule.allowedOrigins.includes('*');
  const headers: CorsHeaders = {
    'Access-Control-Allow-Origin': wildcard ? '*' : origin,
    'Access-Control-Allow-Methods': rule.allowedMethods.join(', '),
    Vary: VARY,
  };
  // Credentials cannot go with a `*` origin (Fetch standard), so S3 only sends them for a named one.
  if (!wildcard) headers['Access-Control-Allow-Credentials'] = 'true';
  if (rule.exposedHeaders.length > 0)
    headers['Access-Control-Expose-Headers'] = rule.exposedHeaders.join(', ');
  headers['Access-Control-Max-Age'] = String(rule.maxAgeSeconds);
  return headers;
}

/**
 * Answers a CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from a
 * bucket's rules as S3 does: the first rule allowing the origin, the method and every requested
 * header wins; otherwise 403 AccessForbidden.
 */
export function preflight(
  rules: readonly CorsRule[],
  headers: IncomingHttpHeaders,
  onObject: boolean,
): CorsHeaders {
  const origin = headerValue(headers, 'origin');
  if (origin === undefined) {
    throw new S3Error('BadRequest', 'Insufficient information. Origin request header needed.', 400);
  }
  const method = headerValue(headers, 'access-control-request-method');
  if (method === undefined) {
    throw new S3Error(
      'BadRequest',
      'Insufficient information. Access-Control-Request-Method header needed.',
      400,
    );
  }
  const details = { Method: method, ResourceType: onObject ? 'OBJECT' : 'BUCKET' };
  if (rules.length === 0) {
    throw new S3Error('AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.', 403, details);
  }
  const requested = (headerValue(headers, 'access-control-request-headers') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const rule = rules.find(
    (r) =>
      originAllowed(r, origin) &&
      (r.allowedMethods as readonly string[]).includes(method) &&
      requested.every((name) => headerAllowed(r, name)),
  );
  if (!rule) {
    throw new S3Error(
      'AccessForbidden',
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      403,
      details,
    );
  }
  const answer = allowHeaders(rule, origin);
  if (requested.length > 0) answer['Access-Control-Allow-Headers'] = requested.join(', ');
  return answer;
}

/**
 * CORS headers for an actual (non-preflight) request: an allowed origin and method get
 * `Access-Control-Allow-Origin` and the rule's exposed headers; any other origin gets none,
 * so the browser withholds the answer.
 */
export function corsHeaders(
  rules: readonly CorsRule[],
  headers: IncomingHttpHeaders,
  method: string,
): CorsHeaders {
  const origin = headerValue(headers, 'origin');
  if (origin === undefined || rules.length === 0) return {};
  const rule = rules.find(
    (r) => originAllowed(r, origin) && (r.allowedMethods as readonly string[]).includes(method),
  );
  return rule ? allowHeaders(rule, origin) : { Vary: VARY };
}
