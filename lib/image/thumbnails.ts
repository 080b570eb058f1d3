import { classifyDecodeError } from './decode-failure.ts';
import { openThumbnailSource } from './decode-source.ts';
import { validateRenderOptions } from './thumbnail-options.ts';
import { type ThumbnailStrategyName, thumbnailStrategies } from './thumbnail-strategies.ts';
import type { RenderOptions, RenderResult } from './thumbnail-types.ts';

export { configureSharp } from './thumbnail-runtime.ts';
export type { RenderedThumbnail, RenderOptions, RenderResult, ThumbnailSpec } from './thumbnail-types.ts';

/**
 * How every size is produced from one original; chosen by `npm run bench` (bench/thumbnails.bench.ts):
 * independent pipelines from the same buffer beat clone(), chaining and a full decode.
 */
export const THUMBNAIL_STRATEGY: ThumbnailStrategyName = 'independent';

/** Renders every size from one in-memory original; refuses bombs, corrupt and unsupported input with ImageRejectedError. */
export async function renderThumbnails(input: Buffer, options: RenderOptions): Promise<RenderResult> {
  validateRenderOptions(options);
  const source = await openThumbnailSource(input, options.maxInputPixels);
  try {
    const thumbnails = await thumbnailStrategies[THUMBNAIL_STRATEGY](source, options);
    return { width: source.width, height: source.height, format: source.format, thumbnails };
  } catch (error) {
    // Decoding starts here, so a file whose header was fine but whose data is not fails here.
    throw classifyDecodeError(error) ?? error;
  }
}
