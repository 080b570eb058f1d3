import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { authenticate } from '../s3/auth.ts';
import { S3Error } from '../s3/errors.ts';
import { parseTarget } from '../s3/request-target.ts';
import { type Credential, SigV4Verifier } from '../s3/sigv4.ts';
import { AwsAuthError } from './errors.ts';

export { AwsAuthError };

/** What a local JSON endpoint accepts: its service name in the credential scope, region, keys, clock. */
export interface RequestVerifierOptions {
  service: string;
  region: string;
  credentials: readonly Credential[];
  now?: () => number;
}

/** Checks one request whose body has been read; resolves to the access key that signed it. */
export type RequestVerifier = (req: IncomingMessage, body: Buffer) => Promise<{ accessKeyId: string }>;

/** S3's codes for an authentication failure, as the JSON protocols name the same failure. */
function toAwsAuthError(error: S3Error): AwsAuthError {
  const type =
    error.code === 'InvalidAccessKeyId'
      ? 'UnrecognizedClientException'
      : error.code === 'SignatureDoesNotMatch' || error.code === 'RequestTimeTooSkewed'
        ? 'InvalidSignatureException'
        : error.code === 'AccessDenied' && error.message === 'Access Denied'
          ? 'MissingAuthenticationTokenException'
          : error.code === 'AccessDenied'
            ? 'AccessDeniedException'
            : 'IncompleteSignatureException';
  return new AwsAuthError(type, error.message, error.status === 400 ? 400 : 403, { cause: error });
}

/**
 * The SigV4 check of every local endpoint, the same one the local S3 runs (credential scope,
 * clock skew, `host` and every `x-amz-*` header signed, constant-time signature compare), for
 * the JSON protocols (EventBridge, SQS): the signature covers the SHA-256 of the body read.
 * A request signed in the query, or not at all, is refused like a bad one.
 */
export function createRequestVerifier(options: RequestVerifierOptions): RequestVerifier {
  const verifiers = new Map(
    options.credentials.map((c) => [c.accessKeyId, new SigV4Verifier(c, options.region, options.service)]),
  );
  const now = options.now ?? Date.now;
  return async (req, body) => {
    if (req.headers.authorization === undefined) {
      throw new AwsAuthError(
        'MissingAuthenticationTokenException',
        'Request is missing Authentication Token',
        403,
      );
    }
    try {
      const auth = await authenticate(
        { method: req.method ?? '', headers: req.headers },
        parseTarget(req.url ?? '/'),
        {
          verifiers,
          region: options.region,
          now,
          service: options.service,
          payloadHash: createHash('sha256').update(body).digest('hex'),
        },
      );
      return { accessKeyId: auth.accessKeyId };
    } catch (error) {
      if (error instanceof S3Error) throw toAwsAuthError(error);
      throw error;
    }
  };
}
