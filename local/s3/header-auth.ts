import type { AuthContext, Authenticated, AuthRequest } from './auth.ts';
import { type MalformedCredential, parseScope, verifierFor } from './credential-scope.ts';
import { accessDenied, S3Error } from './errors.ts';
import { headerValue } from './headers.ts';
import type { RequestTarget } from './request-target.ts';
import { verifySignedRequest } from './signed-headers.ts';
import { parseAmzDate } from './sigv4.ts';

/** S3 refuses a request signed more than 15 minutes off its clock (a presigned URL: ahead of it). */
export const MAX_SKEW_MS = 15 * 60 * 1000;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const PAYLOAD_PLACEHOLDERS = new Set([
  'UNSIGNED-PAYLOAD',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
]);

const headerMalformed: MalformedCredential = (message, details) =>
  new S3Error(
    'AuthorizationHeaderMalformed',
    `The authorization header is malformed; ${message}`,
    400,
    details,
  );

/** The three parts of a SigV4 Authorization header, or S3's 400 AuthorizationHeaderMalformed. */
export function parseAuthorization(value: string): {
  credential: string;
  signedHeaders: string;
  signature: string;
} {
  const fields = new Map<string, string>();
  for (const piece of value.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const at = piece.indexOf('=');
    if (at > 0) fields.set(piece.slice(0, at).trim(), piece.slice(at + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) {
    throw headerMalformed(
      'the authorization header requires three components: Credential, SignedHeaders, and Signature.',
    );
  }
  return { credential, signedHeaders, signature };
}

/**
 * Authenticates a request signed in the Authorization header: credential scope, clock skew,
 * the payload hash header, `host` and every x-amz-* header signed, then the signature itself.
 */
export async function authenticateHeader(
  request: AuthRequest,
  target: RequestTarget,
  authorization: string,
  context: AuthContext,
): Promise<Authenticated> {
  const { credential, signedHeaders, signature } = parseAuthorization(authorization);
  const scope = parseScope(credential, context.region, headerMalformed, context.service);
  const verifier = verifierFor(context.verifiers, scope.accessKeyId);
  const amzDate = headerValue(request.headers, 'x-amz-date');
  const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signedAt === undefined) {
    throw accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  }
  if (amzDate.slice(0, 8) !== scope.date) {
    throw headerMalformed('Invalid credential date. Date is not the same as X-Amz-Date.');
  }
  const now = context.now();
  if (Math.abs(now - signedAt.getTime()) > MAX_SKEW_MS) {
    throw new S3Error(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      403,
      {
        RequestTime: amzDate,
        ServerTime: new Date(now).toISOString(),
        MaxAllowedSkewMilliseconds: MAX_SKEW_MS,
      },
    );
  }
  const payloadHash = context.payloadHash ?? headerValue(request.headers, 'x-amz-content-sha256');
  if (payloadHash === undefined) {
    throw new S3Error(
      'InvalidRequest',
      'Missing required header for this request: x-amz-content-sha256',
      400,
    );
  }
  if (!PAYLOAD_PLACEHOLDERS.has(payloadHash) && !HEX_SHA256.test(payloadHash)) {
    throw new S3Error(
      'InvalidArgument',
      `x-amz-content-sha256 must be ${[...PAYLOAD_PLACEHOLDERS].join(', ')} or a valid sha256 value.`,
      400,
      { ArgumentName: 'x-amz-content-sha256', ArgumentValue: payloadHash },
    );
  }
  await verifySignedRequest(verifier, request, target, {
    accessKeyId: scope.accessKeyId,
    signedHeaders,
    payloadHash: payloadHash,
    amzDate,
    signature,
  });
  return { accessKeyId: scope.accessKeyId, payloadHash };
}
