import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { getUrlSigner } from './get-url-signer.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

describe('getUrlSigner', () => {
  it.each([
    ['path style', { endpoint: 'http://127.0.0.1:4569', forcePathStyle: true }],
    ['virtual host', {}],
  ])('signs the URL getSignedUrl would (%s), built once per client and bucket', async (_, extra) => {
    // Prepare
    const s3 = new S3Client({ region: 'us-east-1', credentials, ...extra });
    const key = "thumbs/job 1/p(1)/large!'.webp";
    // Act
    const ours = new URL(await getUrlSigner(s3, 'bucket-a')(key, 600));
    const sdk = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'bucket-a', Key: key }), { expiresIn: 600 }),
    );
    // Assess: same place, same signed parameters (the SDK adds an unsigned x-id).
    expect(ours.host).toBe(sdk.host);
    expect(ours.pathname).toBe(sdk.pathname);
    sdk.searchParams.delete('x-id');
    const names = (u: URL) => [...u.searchParams.keys()].sort();
    expect(names(ours)).toEqual(names(sdk));
    for (const name of ['X-Amz-Credential', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Algorithm']) {
      expect(ours.searchParams.get(name)).toBe(sdk.searchParams.get(name));
    }
    expect(getUrlSigner(s3, 'bucket-a')).toBe(getUrlSigner(s3, 'bucket-a'));
    expect(getUrlSigner(s3, 'bucket-b')).not.toBe(getUrlSigner(s3, 'bucket-a'));
  });
});
