import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BLUE, near, OPTIONS, pixel, RED } from '../../test/fixtures/thumbnail-images.ts';
import { decodeHeic, decodeHeicHere, needsHeicDecoder } from './heic.ts';
import { heicWorkerAvailable } from './heic-worker-client.ts';
import { ImageRejectedError } from './image-errors.ts';
import { renderThumbnails } from './thumbnails.ts';

// 128×64 coded landscape, red left / blue right, with irot 90° clockwise and EXIF orientation 6,
// like an iPhone portrait shot; see test/fixtures/README.md for how it was made.
const SAMPLE = readFileSync(new URL('../../test/fixtures/portrait-irot.heic', import.meta.url));

describe('HEIC (HEVC) input', () => {
  it('is recognised as needing the WASM decoder, unlike AVIF', async () => {
    // Prepare
    const avif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .avif()
      .toBuffer();
    // Act / Assess
    expect(needsHeicDecoder(await sharp(SAMPLE).metadata())).toBe(true);
    expect(needsHeicDecoder(await sharp(avif).metadata())).toBe(false);
  });

  it('renders upright thumbnails with the upright dimensions, rotated once only', async () => {
    // Act
    const result = await renderThumbnails(SAMPLE, OPTIONS);
    // Assess: irot turns 128×64 into 64×128 with red on top; applying EXIF 6 as well would put red on the left.
    expect(result).toMatchObject({ width: 64, height: 128, format: 'heif' });
    for (const t of result.thumbnails) {
      expect([t.width, t.height]).toEqual([64, 128]);
      const meta = await sharp(t.data).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: 64, height: 128, hasAlpha: false });
      expect(meta).not.toHaveProperty('exif');
      expect(near(await pixel(t.data, 32, 16), RED)).toBe(true);
      expect(near(await pixel(t.data, 32, 112), BLUE)).toBe(true);
    }
  });

  it('checks the pixel cap on the decoder handle before decoding', async () => {
    // Act
    const error = await decodeHeic(SAMPLE, { maxInputPixels: 64 * 128 - 1, primaryIndex: 0 }).catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(ImageRejectedError);
    expect(error).toMatchObject({ reason: 'too_many_pixels', message: expect.stringContaining('64×128') });
  });

  it('refuses a HEIC over the cap through the renderer', async () => {
    // Act / Assess
    await expect(renderThumbnails(SAMPLE, { ...OPTIONS, maxInputPixels: 4000 })).rejects.toMatchObject({
      reason: 'too_many_pixels',
    });
  });

  it('rejects a truncated HEIC as corrupt', async () => {
    // Act / Assess
    await expect(renderThumbnails(SAMPLE.subarray(0, SAMPLE.length - 200), OPTIONS)).rejects.toMatchObject({
      name: 'ImageRejectedError',
      reason: 'corrupt',
    });
  });
  it('decodes in the worker thread to the same pixels as on the calling thread, and keeps the pixel cap', async () => {
    // Prepare
    const options = { maxInputPixels: 100_000_000, primaryIndex: 0 };
    expect(heicWorkerAvailable()).toBe(true);
    // Act
    const [inWorker, here] = await Promise.all([
      decodeHeic(SAMPLE, options),
      decodeHeicHere(SAMPLE, options),
    ]);
    // Assess
    expect([inWorker.width, inWorker.height]).toEqual([64, 128]);
    expect(Buffer.from(inWorker.data).equals(Buffer.from(here.data))).toBe(true);
    await expect(decodeHeic(SAMPLE, { ...options, maxInputPixels: 64 * 128 - 1 })).rejects.toBeInstanceOf(
      ImageRejectedError,
    );
  });
});
