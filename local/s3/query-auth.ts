import type { AuthContext, Authenticated, AuthRequest } from './auth.ts';
import { parseScope, verifierFor } from './credential-scope.ts';
import { accessDenied, S3Error } from './errors.ts';
import { MAX_SKEW_MS } from './header-auth.ts';
import { queryValue, type RequestTarget } from './request-target.ts';
import { verifySignedRequest } from './signed-headers.ts';
import { parseAmzDate } from './sigv4.ts';

/** Presigned URLs live at most a week (SigV4's limit). */
const MAX_EXPIRES_SECONDS = 604_800;
const QUERY_AUTH_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
] as const;

const queryMalformed = (message: string, details?: Record<string, string>) =>
  new S3Error('AuthorizationQueryParametersError', message, 400, details);

function parseExpires(text: string): number {
  if (!/^-?\d+$/.test(text)) throw queryMalformed('X-Amz-Expires should be a number');
  const seconds = Number(text);
  if (seconds < 0) throw queryMalformed('X-Amz-Expires must be non-negative');
  if (seconds === 0) throw queryMalformed('X-Amz-Expires must be greater than 0');
  if (seconds > MAX_EXPIRES_SECONDS) {
    throw queryMalformed(
      `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES_SECONDS}`,
    );
  }
  return seconds;
}

/**
 * Authenticates a presigned URL: its parameters, credential scope, `X-Amz-Expires` (1 s to a
 * week), that it is already valid (signed at most 15 minutes ahead) and not expired, that `host`
 * and every x-amz-* header are signed, then the signature over the query and the signed headers.
 */
export async function authenticateQuery(
  request: AuthRequest,
  target: RequestTarget,
  context: AuthContext,
): Promise<Authenticated> {
  const params = QUERY_AUTH_PARAMS.map((name) => queryValue(target, name));
  const [algorithm, credential, amzDate, expires, signedHeaders, signature] = params;
  if (
    algorithm === undefined ||
    credential === undefined ||
    amzDate === undefined ||
    expires === undefined ||
    signedHeaders === undefined ||
    signature === undefined
  ) {
    throw queryMalformed(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw queryMalformed('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined)
    throw queryMalformed("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  const scope = parseScope(credential, context.region, (message, details) =>
    queryMalformed(`Error parsing the X-Amz-Credential parameter; ${message}`, details),
  );
  if (amzDate.slice(0, 8) !== scope.date) {
    throw queryMalformed(
      `Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`,
    );
  }
  const verifier = verifierFor(context.verifiers, scope.accessKeyId);
  const seconds = parseExpires(expires);
  const now = context.now();
  const expiresAt = signedAt.getTime() + seconds * 1000;
  // Without this a URL dated ahead would stay valid for as long as it is dated ahead, plus its X-Amz-Expires.
  if (signedAt.getTime() - now > MAX_SKEW_MS) {
    throw accessDenied('Request is not yet valid', {
      // S3 writes the signing time here in epoch milliseconds, not as sent.
      'X-Amz-Date': signedAt.getTime(),
      Expires: new Date(expiresAt).toISOString(),
      ServerTime: new Date(now).toISOString(),
    });
  }
  if (now > expiresAt) {
    throw accessDenied('Request has expired', {
      'X-Amz-Expires': expires,
      Expires: new Date(expiresAt).toISOString(),
      ServerTime: new Date(now).toISOString(),
    });
  }
  // A presigned URL cannot know the body it will carry.
  await verifySignedRequest(verifier, request, target, {
    accessKeyId: scope.accessKeyId,
    signedHeaders,
    payloadHash: 'UNSIGNED-PAYLOAD',
    amzDate,
    signature,
  });
  return { accessKeyId: scope.accessKeyId, payloadHash: 'UNSIGNED-PAYLOAD' };
}
