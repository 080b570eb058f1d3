import sharp, { type FailOnOptions, type Metadata, type SharpOptions } from 'sharp';
import { classifyDecodeError, tooManyPixelsError, unsupportedError } from './decode-failure.ts';
import { describeContent, sniffPhotoContainer } from './decode-sniff.ts';
import { decodeHeic, needsHeicDecoder } from './heic.ts';
import type { ThumbnailSource } from './thumbnail-types.ts';

// 'warning' (sharp's default, spelled out so nobody relaxes it by accident) aborts on a
// truncated JPEG or PNG instead of padding the missing rows with grey; sharp recommends it for
// untrusted input. 'truncated' would also catch cut-off files; 'none' must never be used here.
const FAIL_ON: FailOnOptions = 'warning';

/**
 * Checks an upload and prepares it for rendering, refusing it before a single pixel is decoded
 * when it is not JPEG/PNG/WebP/HEIF (magic bytes first, then sharp's own reading of the header)
 * or declares more than `maxInputPixels`. HEVC HEIC is decoded here, once, to RGBA.
 *
 * Throws `ImageRejectedError` for the file's faults; anything else is rethrown untouched.
 */
export async function openThumbnailSource(input: Buffer, maxInputPixels: number): Promise<ThumbnailSource> {
  const container = sniffPhotoContainer(input);
  if (!container) throw unsupportedError(describeContent(input));
  const load: SharpOptions = { limitInputPixels: maxInputPixels, failOn: FAIL_ON };
  // metadata() parses the header only; with limitInputPixels set it also refuses a bomb itself.
  const meta = await guard(() => sharp(input, load).metadata(), maxInputPixels);
  if (meta.format !== container) throw unsupportedError(`${meta.format} inside a ${container} container`);
  if (meta.width * meta.height > maxInputPixels) {
    throw tooManyPixelsError(meta.width, meta.height, maxInputPixels);
  }
  if (needsHeicDecoder(meta)) return guard(() => heicSource(input, meta, maxInputPixels), maxInputPixels);
  return {
    format: meta.format,
    // autoOrient: sizes after EXIF orientation, so 5–8 swap width and height.
    width: meta.autoOrient.width,
    height: meta.autoOrient.height,
    open: () => sharp(input, { ...load, autoOrient: true }),
  };
}

async function heicSource(input: Buffer, meta: Metadata, maxInputPixels: number): Promise<ThumbnailSource> {
  const { width, height, data } = await decodeHeic(input, {
    maxInputPixels,
    primaryIndex: meta.pagePrimary ?? 0,
  });
  return {
    format: meta.format,
    width,
    height,
    open: () => {
      // Raw pixels carry no EXIF, so nothing can rotate them twice; the decoder already applied irot.
      const pipeline = sharp(data, { raw: { width, height, channels: 4 }, limitInputPixels: maxInputPixels });
      // The decoder always emits RGBA; an opaque photo should not cost a fourth band downstream.
      return meta.hasAlpha ? pipeline : pipeline.removeAlpha();
    },
  };
}

async function guard<T>(work: () => Promise<T>, maxInputPixels: number): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw classifyDecodeError(error, { maxInputPixels }) ?? error;
  }
}
