import type { IncomingHttpHeaders } from 'node:http';
import { accessDenied, S3Error } from './errors.ts';
import { authenticateHeader } from './header-auth.ts';
import { headerValue } from './headers.ts';
import { authenticateQuery } from './query-auth.ts';
import { queryValue, type RequestTarget } from './request-target.ts';
import type { SigV4Verifier } from './sigv4.ts';

/** Who signed a request, and the payload hash the signature covers. */
export interface Authenticated {
  accessKeyId: string;
  /** `x-amz-content-sha256` as signed (header auth), or `UNSIGNED-PAYLOAD` (presigned URL). */
  payloadHash: string;
}

/** What authentication needs from the server: a verifier per access key, the region and the clock. */
export interface AuthContext {
  verifiers: ReadonlyMap<string, SigV4Verifier>;
  region: string;
  now: () => number;
  /** The service the credential scope must name (default `s3`). */
  service?: string;
  /**
   * The hex SHA-256 of a body the caller has read (the JSON endpoints): signed over instead of
   * `x-amz-content-sha256`, which only S3 requires.
   */
  payloadHash?: string;
}

/** A request as authentication reads it. */
export interface AuthRequest {
  method: string;
  headers: IncomingHttpHeaders;
}

/**
 * Authenticates a SigV4 request, signed in the Authorization header or presigned in the query,
 * as S3 does: unknown keys, skewed clocks, expired URLs and bad signatures each get S3's error.
 * An unsigned request is refused (every bucket here is private).
 */
export async function authenticate(
  request: AuthRequest,
  target: RequestTarget,
  context: AuthContext,
): Promise<Authenticated> {
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization !== undefined) {
    if (authorization.startsWith('AWS4-HMAC-SHA256 ')) {
      return authenticateHeader(request, target, authorization, context);
    }
    throw new S3Error('InvalidArgument', 'Unsupported Authorization Type', 400, {
      ArgumentName: 'Authorization',
      ArgumentValue: authorization.split(' ')[0] ?? '',
    });
  }
  if (
    queryValue(target, 'X-Amz-Algorithm') !== undefined ||
    queryValue(target, 'X-Amz-Signature') !== undefined
  ) {
    return authenticateQuery(request, target, context);
  }
  throw accessDenied();
}
