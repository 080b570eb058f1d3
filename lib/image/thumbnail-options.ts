import type { RenderOptions } from './thumbnail-types.ts';

// A size name becomes part of an S3 key (thumbs/{jobId}/{photoId}/{size}.webp).
const SIZE_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
// WebP cannot encode a side longer than 16383 px.
const MAX_WEBP_EDGE = 16383;

/** Checks render options at the boundary; a bad value is our bug, so it throws a TypeError. */
export function validateRenderOptions(options: RenderOptions): void {
  const { sizes, quality, maxInputPixels } = options;
  if (!Array.isArray(sizes) || sizes.length === 0) {
    throw new TypeError(
      `Expected at least one thumbnail size for sizes but received ${JSON.stringify(sizes)}`,
    );
  }
  const seen = new Set<string>();
  for (const { name, longEdge } of sizes) {
    if (typeof name !== 'string' || !SIZE_NAME.test(name) || seen.has(name)) {
      throw new TypeError(
        `Expected a unique lower-case slug for a size name but received ${JSON.stringify(name)}`,
      );
    }
    seen.add(name);
    expectInteger(`longEdge of size '${name}'`, longEdge, 1, MAX_WEBP_EDGE);
  }
  expectInteger('quality', quality, 1, 100);
  expectInteger('maxInputPixels', maxInputPixels, 1, Number.MAX_SAFE_INTEGER);
  if (options.effort !== undefined) expectInteger('effort', options.effort, 0, 6);
}

function expectInteger(what: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(
      `Expected an integer between ${min} and ${max} for ${what} but received ${String(value)}`,
    );
  }
}
