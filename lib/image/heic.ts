import heicDecode from 'heic-decode';
import type { Metadata } from 'sharp';
import { tooManyPixelsError } from './decode-failure.ts';
import { decodeHeicInWorker, heicWorkerAvailable } from './heic-worker-client.ts';

/** Upright RGBA pixels of a HEIC photo, as sharp's `raw` input wants them. */
export interface HeicPixels {
  width: number;
  height: number;
  /** 4 bytes (R, G, B, A) per pixel. */
  data: Uint8ClampedArray;
}

/**
 * True for HEVC-coded HEIF (every iPhone HEIC): prebuilt sharp reads its header but ships no HEVC
 * decoder (patents), so the pixels must come from heic-decode. AV1 (AVIF) decodes natively.
 */
export function needsHeicDecoder(meta: Pick<Metadata, 'format' | 'compression'>): boolean {
  return meta.format === 'heif' && meta.compression === 'hevc';
}

/**
 * Decodes the primary image of an HEVC HEIC with libheif compiled to WASM.
 *
 * The pixel cap is checked on the decoder's own handle before decoding, in addition to the
 * caller's check on sharp's metadata, because the WASM heap grows to hold the whole image and
 * never shrinks. libheif applies the `irot`/`imir`/`clap` transforms while decoding, so the result
 * is upright; the EXIF Orientation a phone also writes describes the same turn and must not be
 * applied again (sharp's metadata likewise drops it for HEIF and reports the upright size).
 *
 * Costs: about 5× a JPEG of the same size in synchronous WASM, so it runs in a worker thread
 * (`heic-worker.mjs`) where that file ships; a bundle without it decodes on the calling thread.
 */
export async function decodeHeic(
  input: Buffer,
  options: { maxInputPixels: number; primaryIndex: number },
): Promise<HeicPixels> {
  if (heicWorkerAvailable()) {
    const out = await decodeHeicInWorker(input, options);
    if ('tooMany' in out)
      throw tooManyPixelsError(out.tooMany.width, out.tooMany.height, options.maxInputPixels);
    if (out.data.length !== out.width * out.height * 4) {
      throw new Error(`HEIF decoder returned ${out.data.length} bytes for ${out.width}×${out.height} RGBA`);
    }
    return out;
  }
  return decodeHeicHere(input, options);
}

/** The same decode on the calling thread (blocks it for the whole WASM decode). */
export async function decodeHeicHere(
  input: Buffer,
  options: { maxInputPixels: number; primaryIndex: number },
): Promise<HeicPixels> {
  const images = await heicDecode.all({ buffer: input });
  try {
    // libvips and libheif-js list the same top-level images, so sharp's pagePrimary indexes this.
    const image = images[options.primaryIndex] ?? images[0];
    if (!image) throw new Error('HEIF image not found');
    if (image.width * image.height > options.maxInputPixels) {
      throw tooManyPixelsError(image.width, image.height, options.maxInputPixels);
    }
    const { width, height, data } = await image.decode();
    if (data.length !== width * height * 4) {
      throw new Error(`HEIF decoder returned ${data.length} bytes for ${width}×${height} RGBA`);
    }
    return { width, height, data };
  } finally {
    images.dispose();
  }
}
