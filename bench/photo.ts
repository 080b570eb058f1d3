import sharp from 'sharp';
import { openThumbnailSource } from '../lib/image/decode-source.ts';
import type { RenderOptions, ThumbnailSource } from '../lib/image/thumbnail-types.ts';
import { topology } from '../lib/topology/topology.ts';

/** What the thumbnail handler renders with by default: the topology's sizes and effort, q80, a 100 MP cap. */
export const BENCH_RENDER_OPTIONS: RenderOptions = {
  sizes: topology.thumbnails.sizes,
  quality: 80,
  effort: topology.thumbnails.webpEffort,
  maxInputPixels: 100_000_000,
};

// ±16 levels of noise on every channel: 12 MP comes out at ~3.3 MB, 48 MP at ~13 MB.
const NOISE = 0.5;

/**
 * A phone-like JPEG: smooth colour gradients under sensor-like noise, quality 90, 4:2:0, EXIF
 * orientation 6 (portrait held upright). Decode cost follows the entropy-coded size, so the noise
 * is tuned to land where phone photos do (~0.3 bytes per pixel, 3–5 MB at 12 MP): pure noise would
 * be several times bigger, a flat image far cheaper.
 */
export async function phonePhoto(width: number, height: number, seed = 7): Promise<Buffer> {
  let state = seed;
  const random = () => {
    // xorshift32: deterministic, so every run benchmarks the same bytes.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const grid = Buffer.from(Array.from({ length: 6 * 4 * 3 }, () => random() & 0xff));
  const pixels = await sharp(grid, { raw: { width: 6, height: 4, channels: 3 } })
    .resize(width, height, { kernel: 'linear', fit: 'fill' })
    .raw()
    .toBuffer();
  for (let i = 0; i < pixels.length; i += 1) {
    const v = (pixels[i] ?? 0) + ((random() & 0x3f) - 32) * NOISE;
    pixels[i] = Math.max(0, Math.min(255, v));
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Raw RGBA pixels of a given size: what heic-decode hands over for a HEIC photo. */
export interface RawRgba {
  width: number;
  height: number;
}

/**
 * The renderer's source for a benchmark input: an encoded file goes through the same checks as
 * production; raw RGBA stands in for a decoded HEIC (the WASM decode itself is not timed here).
 */
export function benchSource(input: Buffer, maxInputPixels: number, raw?: RawRgba): Promise<ThumbnailSource> {
  if (!raw) return openThumbnailSource(input, maxInputPixels);
  const { width, height } = raw;
  return Promise.resolve({
    format: 'heif',
    width,
    height,
    open: () =>
      sharp(input, { raw: { width, height, channels: 4 }, limitInputPixels: maxInputPixels }).removeAlpha(),
  });
}
