import { classifyDecodeError } from './decode-failure.ts';
import { openThumbnailSource } from './decode-source.ts';
import { validateRenderOptions } from './thumbnail-options.ts';
import { type ThumbnailStrategyName, thumbnailStrategies } from './thumbnail-strategies.ts';
import type { RenderOptions, RenderResult } from './thumbnail-types.ts';

export { configureSharp } from './thumbnail-runtime.ts';
export type { RenderedThumbnail, RenderOptions, RenderResult, ThumbnailSpec } from './thumbnail-types.ts';

/**
 * How every size is produced from one original, chosen with `npm run bench`
 * (bench/thumbnails.bench.ts). 'chained' decodes once, straight to the largest size (JPEG
 * shrink-on-load), then encodes every size from that bitmap in parallel. Per photo it was at
 * least as fast as independent pipelines (12 MP JPEG: 177 vs 204 ms median, a full decode 305) but
 * used 20–40% less CPU, because each extra pipeline repeats the entropy decoding that
 * shrink-on-load cannot skip (48 MP JPEG: 282 vs 403 CPU ms; 12 MP WebP: 409 vs 674), so with two
 * photos in flight on 2 cores it rendered the most (9.2 vs 8.3 photos/s) in the least memory.
 */
export const THUMBNAIL_STRATEGY: ThumbnailStrategyName = 'chained';

/** Renders every size from one in-memory original; refuses bombs, corrupt and unsupported input with ImageRejectedError. */
export async function renderThumbnails(input: Buffer, options: RenderOptions): Promise<RenderResult> {
  validateRenderOptions(options);
  const source = await openThumbnailSource(input, options.maxInputPixels);
  try {
    const thumbnails = await thumbnailStrategies[THUMBNAIL_STRATEGY](source, options);
    return { width: source.width, height: source.height, format: source.format, thumbnails };
  } catch (error) {
    // Decoding starts here, so a file whose header was fine but whose data is not fails here.
    throw classifyDecodeError(error, options) ?? error;
  }
}
