import { describe, expect, it } from 'vitest';
import { S3Error } from './errors.ts';
import { assertHeadersSigned } from './signed-headers.ts';

/** The S3Error `work` throws (the test fails if it throws nothing or something else). */
function failure(work: () => unknown): S3Error {
  try {
    work();
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('Expected an S3Error but nothing was thrown');
}

describe('assertHeadersSigned', () => {
  const headers = { host: 's3.local', 'x-amz-date': '20300101T000000Z', 'content-type': 'image/jpeg' };

  it('passes when host and every x-amz-* header are signed, whatever else is not', () => {
    expect(() => assertHeadersSigned(headers, ['host', 'x-amz-date'])).not.toThrow();
  });

  it('lets x-amz-content-sha256 through unsigned, as S3 does', () => {
    const withHash = { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
    expect(() => assertHeadersSigned(withHash, ['host', 'x-amz-date'])).not.toThrow();
  });

  it('refuses unsigned x-amz-* headers with 403 AccessDenied naming each of them', () => {
    // Prepare: a request signed for host only, with headers added afterwards.
    const added = { host: 's3.local', 'x-amz-copy-source': 'b/secret', 'x-amz-meta-note': 'x' };
    // Act
    const error = failure(() => assertHeadersSigned(added, ['host']));
    // Assess
    expect([error.status, error.code, error.message]).toEqual([
      403,
      'AccessDenied',
      'There were headers present in the request which were not signed',
    ]);
    expect(error.details).toEqual({ HeadersNotSigned: 'x-amz-copy-source, x-amz-meta-note' });
  });

  it('requires host to be signed, even when the request carries none', () => {
    expect(failure(() => assertHeadersSigned(headers, ['x-amz-date'])).details).toEqual({
      HeadersNotSigned: 'host',
    });
    expect(failure(() => assertHeadersSigned({}, [''])).details).toEqual({ HeadersNotSigned: 'host' });
  });
});
