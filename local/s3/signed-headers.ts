import type { IncomingHttpHeaders } from 'node:http';
import type { AuthRequest } from './auth.ts';
import { accessDenied, signatureDoesNotMatch } from './errors.ts';
import { flattenHeaders } from './headers.ts';
import type { RequestTarget } from './request-target.ts';
import type { SigV4Verifier } from './sigv4.ts';

/**
 * `x-amz-*` headers S3 accepts unsigned. `x-amz-content-sha256` is only the payload hash: header
 * auth puts its value into the canonical request anyway, and a presigned URL signs
 * `UNSIGNED-PAYLOAD` whatever the header says, so leaving it out of the list changes nothing.
 */
const TOLERATED_UNSIGNED = new Set(['x-amz-content-sha256']);

/**
 * Refuses a SigV4 request (header or presigned) that does not sign `host` and every `x-amz-*`
 * header it carries, as S3 does (403 AccessDenied with `HeadersNotSigned`). Otherwise whoever
 * holds a signed request could add headers the signer never saw, e.g. `x-amz-copy-source`,
 * which turns a PutObject into a CopyObject, or `x-amz-meta-*`. `signedHeaders` must be the
 * lower-case names the client listed; Node delivers header names in lower case.
 */
export function assertHeadersSigned(headers: IncomingHttpHeaders, signedHeaders: readonly string[]): void {
  const signed = new Set(signedHeaders);
  // `host` is required even when absent: it binds the signature to the endpoint.
  const unsigned = signed.has('host') ? [] : ['host'];
  for (const name of Object.keys(headers)) {
    if (name.startsWith('x-amz-') && !signed.has(name) && !TOLERATED_UNSIGNED.has(name)) unsigned.push(name);
  }
  if (unsigned.length > 0) {
    throw accessDenied('There were headers present in the request which were not signed', {
      HeadersNotSigned: unsigned.join(', '),
    });
  }
}

/**
 * The last step of both SigV4 flavours: every required header is signed, then the signature over
 * the request as received (raw path, query, the listed headers, `payloadHash`) must match.
 */
export async function verifySignedRequest(
  verifier: SigV4Verifier,
  request: AuthRequest,
  target: RequestTarget,
  signed: {
    accessKeyId: string;
    signedHeaders: string;
    payloadHash: string;
    amzDate: string;
    signature: string;
  },
): Promise<void> {
  const signedHeaders = signed.signedHeaders.split(';');
  assertHeadersSigned(request.headers, signedHeaders);
  const check = await verifier.verifyRequest(
    {
      method: request.method,
      path: target.rawPath,
      query: target.query,
      headers: flattenHeaders(request.headers),
      signedHeaders,
      payloadHash: signed.payloadHash,
    },
    signed.amzDate,
    signed.signature,
  );
  if (!check.matches) {
    throw signatureDoesNotMatch(
      signed.accessKeyId,
      signed.signature,
      check.stringToSign,
      check.canonicalRequest,
    );
  }
}
