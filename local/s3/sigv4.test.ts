import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseAmzDate, SigV4Verifier } from './sigv4.ts';

// AWS's published SigV4 examples for S3 ("Examples: Signature Calculations in AWS Signature Version 4").
const EXAMPLE = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('SigV4Verifier', () => {
  const verifier = new SigV4Verifier(EXAMPLE, 'us-east-1');

  it("accepts AWS's GET Object example signed in the Authorization header", async () => {
    // Prepare
    const request = {
      method: 'GET',
      path: '/test.txt',
      query: {},
      headers: {
        host: 'examplebucket.s3.amazonaws.com',
        range: 'bytes=0-9',
        'x-amz-content-sha256': EMPTY_SHA256,
        'x-amz-date': '20130524T000000Z',
      },
      signedHeaders: ['host', 'range', 'x-amz-content-sha256', 'x-amz-date'],
      payloadHash: EMPTY_SHA256,
    };
    const signature = 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41';
    // Act
    const check = await verifier.verifyRequest(request, '20130524T000000Z', signature);
    // Assess
    expect(check.matches).toBe(true);
    expect(check.stringToSign.split('\n').slice(0, 3)).toEqual([
      'AWS4-HMAC-SHA256',
      '20130524T000000Z',
      '20130524/us-east-1/s3/aws4_request',
    ]);
    const tampered = await verifier.verifyRequest(
      { ...request, path: '/test.txt2' },
      '20130524T000000Z',
      signature,
    );
    expect(tampered.matches).toBe(false);
  });

  it("accepts AWS's presigned URL example (X-Amz-Signature is left out of the canonical query)", async () => {
    const signature = 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
    const check = await verifier.verifyRequest(
      {
        method: 'GET',
        path: '/test.txt',
        query: {
          'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
          'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request',
          'X-Amz-Date': '20130524T000000Z',
          'X-Amz-Expires': '86400',
          'X-Amz-SignedHeaders': 'host',
          'X-Amz-Signature': signature,
        },
        headers: { host: 'examplebucket.s3.amazonaws.com' },
        signedHeaders: ['host'],
        payloadHash: 'UNSIGNED-PAYLOAD',
      },
      '20130524T000000Z',
      signature,
    );
    expect(check.matches).toBe(true);
  });

  it("checks a POST policy signature: HMAC of the base64 policy under the day's signing key", async () => {
    // Prepare: the signing key chain of the SigV4 specification, computed independently.
    const policy = Buffer.from('{"expiration":"2030-01-01T00:00:00Z","conditions":[]}').toString('base64');
    const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
    let key = hmac(`AWS4${EXAMPLE.secretAccessKey}`, '20130524');
    for (const part of ['us-east-1', 's3', 'aws4_request']) key = hmac(key, part);
    const signature = createHmac('sha256', key).update(policy).digest('hex');
    // Act
    const results = await Promise.all([
      verifier.verifyPolicy(policy, '20130524', signature),
      verifier.verifyPolicy(policy, '20130525', signature),
      verifier.verifyPolicy(`${policy} `, '20130524', signature),
    ]);
    // Assess
    expect(results).toEqual([true, false, false]);
  });
});

describe('parseAmzDate', () => {
  it('reads basic ISO 8601 and refuses impossible dates', () => {
    expect(parseAmzDate('20240229T235959Z')?.toISOString()).toBe('2024-02-29T23:59:59.000Z');
    expect(parseAmzDate('20230229T000000Z')).toBeUndefined();
    expect(parseAmzDate('2024-02-29T00:00:00Z')).toBeUndefined();
  });
});
