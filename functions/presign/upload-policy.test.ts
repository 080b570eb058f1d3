import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { describe, expect, it } from 'vitest';
import { uploadPolicy } from './upload-policy.ts';

const s3 = new S3Client({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:9',
  forcePathStyle: true,
  credentials: { accessKeyId: 'k', secretAccessKey: 's' },
});

describe('uploadPolicy', () => {
  it('pins bucket, key, type, size range, status, metadata and a short expiry', async () => {
    // Prepare
    const before = Date.now();
    // Act
    const post = await createPresignedPost(
      s3,
      uploadPolicy({
        bucket: 'qdn-uploads',
        key: 'photos/job-1/01JD3ZQ4X6V8Y9ZAB7C5D2E1FG.jpg',
        contentType: 'image/jpeg',
        maxBytes: 10_485_760,
        expiresSeconds: 900,
        uploader: 'crew-demo',
        photoId: '01JD3ZQ4X6V8Y9ZAB7C5D2E1FG',
        deviceGps: { lat: 40.1, lon: -75.2, accuracy_m: 12 },
      }),
    );
    // Assess
    const policy = JSON.parse(Buffer.from(post.fields.Policy as string, 'base64').toString('utf8')) as {
      expiration: string;
      conditions: unknown[];
    };
    const expiresIn = Date.parse(policy.expiration) - before;
    expect(expiresIn).toBeGreaterThan(895_000);
    expect(expiresIn).toBeLessThanOrEqual(901_000);
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: 'qdn-uploads' },
        { key: 'photos/job-1/01JD3ZQ4X6V8Y9ZAB7C5D2E1FG.jpg' },
        { 'Content-Type': 'image/jpeg' },
        ['content-length-range', 1, 10_485_760],
        { success_action_status: '201' },
        { 'x-amz-meta-uploader': 'crew-demo' },
        { 'x-amz-meta-photo-id': '01JD3ZQ4X6V8Y9ZAB7C5D2E1FG' },
        { 'x-amz-meta-device-gps': '40.1,-75.2,12' },
      ]),
    );
    // No starts-with anywhere: every field is pinned exactly.
    expect(JSON.stringify(policy.conditions)).not.toContain('starts-with');
    expect(post.fields.key).toBe('photos/job-1/01JD3ZQ4X6V8Y9ZAB7C5D2E1FG.jpg');
  });

  it('leaves the GPS field out when the device sent none', () => {
    const options = uploadPolicy({
      bucket: 'b',
      key: 'k',
      contentType: 'image/png',
      maxBytes: 5,
      expiresSeconds: 60,
      uploader: 'u',
      photoId: 'p',
    });
    expect(options.Fields).not.toHaveProperty('x-amz-meta-device-gps');
  });
});
