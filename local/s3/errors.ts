/** Extra elements S3 puts after `<Message>` in an error body, in order (e.g. `Key`, `ProposedSize`). */
export type ErrorDetails = Record<string, string | number>;

/**
 * An S3 error answer: its code, message and HTTP status, and the extra elements S3 adds.
 * Thrown anywhere in `local/s3/`, turned into S3's XML error body in one place (`xml.ts`).
 */
export class S3Error extends Error {
  override readonly name = 'S3Error';

  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** 403 AccessDenied, S3's answer to a request it will not serve, with S3's default wording. */
export function accessDenied(message = 'Access Denied', details?: ErrorDetails): S3Error {
  return new S3Error('AccessDenied', message, 403, details);
}

/** 400 InvalidArgument with S3's `ArgumentName` / `ArgumentValue` elements. */
export function invalidArgument(message: string, name: string, value = ''): S3Error {
  return new S3Error('InvalidArgument', message, 400, { ArgumentName: name, ArgumentValue: value });
}

/** 404 NoSuchKey for `key`. */
export function noSuchKey(key: string): S3Error {
  return new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
}

/** 404 NoSuchBucket for `bucket`. */
export function noSuchBucket(bucket: string): S3Error {
  return new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });
}

function spacedHex(text: string): string {
  return Buffer.from(text, 'utf8')
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
}

/**
 * 403 SignatureDoesNotMatch with what S3 shows to debug it: the string the server signed
 * (and the canonical request it came from, for request signatures) next to the signature sent.
 */
export function signatureDoesNotMatch(
  accessKeyId: string,
  provided: string,
  stringToSign: string,
  canonicalRequest?: string,
): S3Error {
  const details: ErrorDetails = {
    AWSAccessKeyId: accessKeyId,
    StringToSign: stringToSign,
    SignatureProvided: provided,
    StringToSignBytes: spacedHex(stringToSign),
  };
  if (canonicalRequest !== undefined) {
    details.CanonicalRequest = canonicalRequest;
    details.CanonicalRequestBytes = spacedHex(canonicalRequest);
  }
  return new S3Error(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    403,
    details,
  );
}

/** 501 NotImplemented: an S3 operation outside the subset this endpoint serves. */
export function notImplemented(what: string): S3Error {
  return new S3Error(
    'NotImplemented',
    'A header you provided implies functionality that is not implemented',
    501,
    { Operation: what },
  );
}

/** The error as an `S3Error`: anything else becomes S3's 500 InternalError (the cause is kept for the log). */
export function toS3Error(error: unknown): S3Error {
  if (error instanceof S3Error) return error;
  return new S3Error(
    'InternalError',
    'We encountered an internal error. Please try again.',
    500,
    {},
    { cause: error },
  );
}
