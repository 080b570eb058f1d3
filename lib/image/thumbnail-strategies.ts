import sharp, { type OutputInfo, type ResizeOptions, type Sharp } from 'sharp';
import type { RenderedThumbnail, RenderOptions, ThumbnailSource, ThumbnailSpec } from './thumbnail-types.ts';

/** A way of turning one checked original into every thumbnail size; results follow `options.sizes`. */
export type ThumbnailStrategy = (
  source: ThumbnailSource,
  options: RenderOptions,
) => Promise<RenderedThumbnail[]>;

/** The strategies the benchmark compares; `thumbnails.ts` picks one. */
export type ThumbnailStrategyName = 'independent' | 'clone' | 'chained' | 'full-decode';

function fitInside(longEdge: number): ResizeOptions {
  // A square box with fit 'inside' bounds the long edge whatever the orientation.
  return { width: longEdge, height: longEdge, fit: 'inside', withoutEnlargement: true };
}

async function encode(
  pipeline: Sharp,
  spec: ThumbnailSpec,
  { quality, effort }: Pick<RenderOptions, 'quality' | 'effort'>,
): Promise<RenderedThumbnail> {
  // No withMetadata()/keepExif(): sharp then writes no EXIF, XMP or ICC, so no GPS can leak.
  const { data, info } = await pipeline
    .resize(fitInside(spec.longEdge))
    .webp({ quality, ...(effort === undefined ? {} : { effort }) })
    .toBuffer({ resolveWithObject: true });
  return { name: spec.name, data, width: info.width, height: info.height, contentType: 'image/webp' };
}

function fromRaw(data: Buffer, info: OutputInfo, maxInputPixels: number): Sharp {
  const { width, height, channels } = info;
  return sharp(data, { raw: { width, height, channels }, limitInputPixels: maxInputPixels });
}

/**
 * (a) One pipeline per size straight from the compressed original, run side by side. A JPEG
 * decodes with shrink-on-load (libjpeg's DCT scaling by 1/2, 1/4, 1/8), so no full-resolution
 * bitmap exists, but each pipeline still entropy-decodes the whole file, and PNG/WebP/raw input
 * is decoded in full once per size.
 */
const independent: ThumbnailStrategy = (source, options) =>
  Promise.all(options.sizes.map((spec) => encode(source.open(), spec, options)));

/** (b) One sharp instance, `clone()`d per size: sharp's fan-out idiom, meant for streamed input. */
const clone: ThumbnailStrategy = (source, options) => {
  const base = source.open();
  return Promise.all(options.sizes.map((spec) => encode(base.clone(), spec, options)));
};

/**
 * (c) Decode once, with shrink-on-load, to the largest size as raw pixels (sRGB, upright), then
 * resize and encode every size from that bitmap in parallel: one decode, and a bitmap of at most
 * largest² × 3 bytes (5 MB at 1280 px).
 */
const chained: ThumbnailStrategy = async (source, options) => {
  const longest = Math.max(...options.sizes.map((s) => s.longEdge));
  const { data, info } = await source
    .open()
    .resize(fitInside(longest))
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Promise.all(
    options.sizes.map((spec) => encode(fromRaw(data, info, options.maxInputPixels), spec, options)),
  );
};

/** (d) The naive baseline: decode the whole original to raw pixels, then resize each size from it. */
const fullDecode: ThumbnailStrategy = async (source, options) => {
  const { data, info } = await source.open().raw().toBuffer({ resolveWithObject: true });
  return Promise.all(
    options.sizes.map((spec) => encode(fromRaw(data, info, options.maxInputPixels), spec, options)),
  );
};

/** Every strategy by name, for the renderer and the benchmark. */
export const thumbnailStrategies: Record<ThumbnailStrategyName, ThumbnailStrategy> = {
  independent,
  clone,
  chained,
  'full-decode': fullDecode,
};
