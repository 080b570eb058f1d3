import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { forgedJpeg, noisyJpeg, OPTIONS, pngBomb } from '../../test/fixtures/thumbnail-images.ts';
import { ImageRejectedError } from './image-errors.ts';
import { renderThumbnails } from './thumbnails.ts';

/** Runs a render expected to fail and reports how it failed, how long it took and the RSS growth. */
async function refusal(input: Buffer, options = OPTIONS) {
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const error = await renderThumbnails(input, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  const ms = performance.now() - started;
  const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  if (!(error instanceof ImageRejectedError)) throw new Error(`Expected an ImageRejectedError, got ${error}`);
  return { error, ms, rssGrowthMb };
}

describe('renderThumbnails refuses decompression bombs before decoding', () => {
  it('refuses a real 15000×15000 PNG bomb (225 MP, under sharp default limit of 268 MP)', async () => {
    // Prepare
    const bomb = pngBomb(15_000, 15_000);
    expect(bomb.length).toBeLessThan(100_000);
    // Act
    const { error, ms, rssGrowthMb } = await refusal(bomb);
    // Assess: timing and memory are loose sanity bounds, the reason is the contract.
    expect(error.reason).toBe('too_many_pixels');
    expect(error.message).toMatch(/more pixels than the 100.0 MP limit|15000×15000/);
    expect(ms).toBeLessThan(1000);
    expect(rssGrowthMb).toBeLessThan(200);
  });

  it('refuses a small JPEG whose header declares 16000×16000', async () => {
    // Prepare
    const forged = await forgedJpeg(16_000, 16_000);
    expect((await sharp(forged, { limitInputPixels: false }).metadata()).width).toBe(16_000);
    // Act
    const { error, ms, rssGrowthMb } = await refusal(forged);
    // Assess
    expect(error.reason).toBe('too_many_pixels');
    expect(ms).toBeLessThan(1000);
    expect(rssGrowthMb).toBeLessThan(200);
  });

  it('applies the configured cap, not a built-in one', async () => {
    // Prepare: 2000×2000 = 4 MP against a 3 MP cap.
    const input = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#abc' } })
      .jpeg()
      .toBuffer();
    // Act
    const { error } = await refusal(input, { ...OPTIONS, maxInputPixels: 3_000_000 });
    // Assess
    expect(error.reason).toBe('too_many_pixels');
  });
});

describe('renderThumbnails refuses corrupt input', () => {
  it('rejects a JPEG cut in half instead of rendering grey rows', async () => {
    // Prepare
    const whole = await noisyJpeg(1000, 1000);
    // Act
    const { error } = await refusal(whole.subarray(0, whole.length >> 1));
    // Assess
    expect(error.reason).toBe('corrupt');
    expect(error.message).toBe('The image is corrupt or truncated (premature end of JPEG image)');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('rejects a truncated PNG', async () => {
    // Prepare
    const whole = await sharp(await noisyJpeg(300, 300))
      .png()
      .toBuffer();
    // Act
    const { error } = await refusal(whole.subarray(0, whole.length >> 1));
    // Assess
    expect(error.reason).toBe('corrupt');
  });
});

describe('renderThumbnails refuses what is not a photo', () => {
  it.each([
    ['HTML', '<!doctype html><html><body><img src=x onerror=alert(1)></body></html>'],
    [
      'SVG',
      '<svg xmlns="http://www.w3.org/2000/svg" width="9000" height="9000"><rect width="9" height="9"/></svg>',
    ],
    [
      'SVG',
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
    ],
    ['GIF', 'GIF89a\x01\x00\x01\x00\x00\x00\x00;'],
    ['an empty file', ''],
  ])('rejects %s as unsupported without handing it to a decoder', async (kind, text) => {
    // Act
    const { error } = await refusal(Buffer.from(text, 'latin1'));
    // Assess
    expect(error.reason).toBe('unsupported');
    expect(error.message).toBe(
      `The file is not a supported image (expected JPEG, PNG, WebP or HEIC; received ${kind})`,
    );
  });

  it('rejects a real image in a format we do not render (TIFF)', async () => {
    // Prepare
    const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .tiff()
      .toBuffer();
    // Act
    const { error } = await refusal(tiff);
    // Assess
    expect(error).toMatchObject({ name: 'ImageRejectedError', reason: 'unsupported' });
  });
});
