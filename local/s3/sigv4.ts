import { timingSafeEqual } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { ALGORITHM_IDENTIFIER, createScope, getCanonicalHeaders, SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from './sha256.ts';

/** An access key and its secret. */
export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A received request as SigV4 canonicalizes it: names of headers are lowercase, the path still encoded. */
export interface ReceivedRequest {
  method: string;
  /** The path exactly as received, percent-encoding kept: S3 signs the path as sent. */
  path: string;
  /** Decoded query parameters; the signer re-encodes them canonically. */
  query: Record<string, string | string[]>;
  headers: Record<string, string | undefined>;
  /** The headers the client says it signed, lowercase, in its order. */
  signedHeaders: string[];
  /** The payload hash the client signed: a hex SHA-256 or one of S3's placeholders. */
  payloadHash: string;
}

/** What a signature check found; the canonical request and string to sign go into S3's error body. */
export interface SignatureCheck {
  matches: boolean;
  canonicalRequest: string;
  stringToSign: string;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The instant of an ISO 8601 basic date (`20240131T235959Z`), or undefined when it is not one. */
export function parseAmzDate(text: string): Date | undefined {
  const m = AMZ_DATE.exec(text);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  // Date accepts 2024-02-31 by rolling over; a real date formats back to itself.
  const roundTrip = date.toISOString().replace(/[-:]|\.\d{3}/g, '');
  return roundTrip === text ? date : undefined;
}

/** Constant-time comparison of a computed hex signature with the one the client sent. */
export function sameSignature(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Recomputes SigV4 signatures for one credential and region with `@smithy/signature-v4`,
 * the same code the SDK signs with: the canonical request and string to sign come from it,
 * and so does the signing key (one HMAC chain, shared by header, query and POST policy checks).
 */
export class SigV4Verifier extends SignatureV4 {
  readonly #region: string;
  /** The service the signatures are for: `s3` here, `events` or `sqs` for the local JSON endpoints. */
  readonly #service: string;

  constructor(credential: Credential, region: string, service = 's3') {
    super({
      credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
      region,
      service,
      sha256: Sha256,
      // S3 signs the path as sent, other services encode it once more (as the SDK does for them);
      // the payload hash is read or computed by the caller, never by the signer.
      uriEscapePath: service !== 's3',
      applyChecksum: false,
    });
    this.#region = region;
    this.#service = service;
  }

  /** Checks `provided` against the signature of `request` made at `amzDate` (basic ISO 8601). */
  async verifyRequest(request: ReceivedRequest, amzDate: string, provided: string): Promise<SignatureCheck> {
    const headers: Record<string, string> = {};
    for (const name of request.signedHeaders) headers[name] = request.headers[name] ?? '';
    const http = new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: headers.host ?? '',
      path: request.path,
      query: request.query,
      headers,
    });
    // Exactly the headers the client listed, even those the SDK never signs itself (e.g. cache-control).
    const canonicalHeaders = getCanonicalHeaders(http, undefined, new Set(request.signedHeaders));
    const canonicalRequest = this.createCanonicalRequest(http, canonicalHeaders, request.payloadHash);
    const scope = createScope(amzDate.slice(0, 8), this.#region, this.#service);
    const stringToSign = await this.createStringToSign(
      amzDate,
      scope,
      canonicalRequest,
      ALGORITHM_IDENTIFIER,
    );
    const signature = await this.#signString(stringToSign, amzDate.slice(0, 8));
    return { matches: sameSignature(signature, provided), canonicalRequest, stringToSign };
  }

  /** Checks `provided` against a POST policy's signature: HMAC(signing key of `shortDate`, base64 policy). */
  async verifyPolicy(policy: string, shortDate: string, provided: string): Promise<boolean> {
    return sameSignature(await this.#signString(policy, shortDate), provided);
  }

  #signString(text: string, shortDate: string): Promise<string> {
    const signingDate = parseAmzDate(`${shortDate}T000000Z`) ?? new Date(Number.NaN);
    return this.sign(text, { signingDate, signingRegion: this.#region, signingService: this.#service });
  }
}
