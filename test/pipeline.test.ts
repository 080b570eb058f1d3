import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, postToS3, startLocalStack } from './helpers/local-stack.ts';

let stack: LocalStack;
let crew: string;
let customer: string;

beforeAll(async () => {
  stack = await startLocalStack();
  crew = await stack.token('crew-demo', 'crew');
  customer = await stack.token('cust-demo', 'customer');
});
afterAll(() => stack?.stop());

/** A phone-like JPEG with GPS near the job-demo-1 site and EXIF orientation 6. */
function phonePhoto(): Promise<Buffer> {
  return (
    sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#4a7' } })
      .jpeg({ quality: 85 })
      .withExif({
        IFD0: { Make: 'Pixel', Model: 'Pixel 9' },
        IFD2: { DateTimeOriginal: '2026:11:20 09:15:00' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '39/1 57/1 9/1',
          GPSLongitudeRef: 'W',
          GPSLongitude: '75/1 9/1 55/1',
        },
      })
      // sharp writes Orientation only through withMetadata.
      .withMetadata({ orientation: 6 })
      .toBuffer()
  );
}

async function photoStatus(jobId: string, photoId: string, token: string) {
  const list = await stack.call('GET', `/list-photos?job_id=${jobId}`, { token });
  return list.body.photos.find((p: { photo_id: string }) => p.photo_id === photoId);
}

describe('the pipeline, end to end in the local runtime', () => {
  it('turns a crew upload into a ready photo with working small and large thumbnails', async () => {
    // Prepare
    const bytes = await phonePhoto();
    const grant = await stack.call('POST', '/upload-url', {
      token: crew,
      body: { job_id: 'job-demo-1', filename: 'IMG_1.jpg', content_type: 'image/jpeg', size: bytes.length },
    });
    // Act
    expect((await postToS3(grant.body, bytes, 'image/jpeg')).status).toBe(201);
    // Assess
    await expect
      .poll(async () => (await photoStatus('job-demo-1', grant.body.photo_id, customer))?.status, {
        timeout: 30_000,
        interval: 200,
      })
      .toBe('ready');
    const photo = await photoStatus('job-demo-1', grant.body.photo_id, customer);
    expect(photo).toMatchObject({
      gps: { source: 'exif', lat: expect.closeTo(39.9525, 3), lon: expect.closeTo(-75.1653, 3) },
      taken_at: '2026-11-20T09:15:00',
      width: 1200,
      height: 1600,
    });
    // The pipeline's own notes are for crew and admins (the customer's view has none of them).
    expect(photo).not.toHaveProperty('far_from_site');
    expect(await photoStatus('job-demo-1', grant.body.photo_id, crew)).toMatchObject({
      far_from_site: false,
      reason: null,
    });
    // Customers get thumbnails only: no URL anywhere in the answer points at an original.
    const listing = JSON.stringify(
      (await stack.call('GET', '/list-photos?job_id=job-demo-1', { token: customer })).body,
    );
    expect(listing).toContain('/thumbs/job-demo-1/');
    expect(listing).not.toContain('/photos/job-demo-1/');
    for (const [size, edge] of [
      ['small', 320],
      ['large', 1280],
    ] as const) {
      const res = await fetch(photo.thumbnails[size]);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/webp');
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect(meta).toMatchObject({ format: 'webp', height: edge, width: edge * 0.75 });
      expect(meta.exif).toBeUndefined();
    }
  });

  it('rejects HTML named .jpg with a reason', async () => {
    const html = Buffer.from('<!doctype html><script>alert(1)</script>');
    const grant = await stack.call('POST', '/upload-url', {
      token: crew,
      body: { job_id: 'job-demo-1', filename: 'x.jpg', content_type: 'image/jpeg' },
    });
    expect((await postToS3(grant.body, html, 'image/jpeg')).status).toBe(201);
    await expect
      .poll(async () => (await photoStatus('job-demo-1', grant.body.photo_id, crew))?.status, {
        timeout: 30_000,
        interval: 200,
      })
      .toBe('rejected');
    expect((await photoStatus('job-demo-1', grant.body.photo_id, crew)).reason).toMatch(/not a JPEG.*HTML/);
  });

  it('turns an iPhone-style HEIC (HEVC, irot) into upright WebP thumbnails like a JPEG', async () => {
    // Prepare: 128×64 coded, red left / blue right, rotated 90° by its irot box (see test/fixtures).
    const heic = readFileSync(new URL('./fixtures/portrait-irot.heic', import.meta.url));
    const grant = await stack.call('POST', '/upload-url', {
      token: crew,
      body: { job_id: 'job-demo-1', filename: 'IMG_0001.HEIC', content_type: 'image/heic' },
    });
    // Act
    expect((await postToS3(grant.body, heic, 'image/heic')).status).toBe(201);
    // Assess
    await expect
      .poll(async () => (await photoStatus('job-demo-1', grant.body.photo_id, crew))?.status, {
        timeout: 30_000,
        interval: 200,
      })
      .toBe('ready');
    const photo = await photoStatus('job-demo-1', grant.body.photo_id, crew);
    expect(photo).toMatchObject({ width: 64, height: 128 });
    const small = Buffer.from(await (await fetch(photo.thumbnails.small)).arrayBuffer());
    const { data, info } = await sharp(small).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 64, height: 128 });
    // Upright: red on top, blue below.
    const at = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ];
    expect(at(32, 16)[0]).toBeGreaterThan(180);
    expect(at(32, 112)[2]).toBeGreaterThan(180);
  });
});
