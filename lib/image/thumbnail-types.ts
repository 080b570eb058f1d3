import type { Sharp } from 'sharp';

/** One thumbnail size: its name (used in the S3 key) and the length of its long edge in pixels. */
export interface ThumbnailSpec {
  name: string;
  longEdge: number;
}

/** What to render and the limits that protect the worker. */
export interface RenderOptions {
  sizes: ThumbnailSpec[];
  /** WebP quality, 1–100. */
  quality: number;
  /** libwebp effort, 0 (fastest) – 6; sharp's default is 4. */
  effort?: number;
  /** Largest width × height accepted, checked before any pixel is decoded. */
  maxInputPixels: number;
}

/** One encoded thumbnail, upright and free of metadata. */
export interface RenderedThumbnail {
  name: string;
  data: Buffer;
  width: number;
  height: number;
  contentType: 'image/webp';
}

/** The thumbnails of one original, with the original's upright dimensions. */
export interface RenderResult {
  /** Upright original width (EXIF orientations 5–8 and HEIF `irot` already applied). */
  width: number;
  /** Upright original height. */
  height: number;
  /** Input format as sharp names it: `jpeg`, `png`, `webp` or `heif` (HEIC and AVIF). */
  format: string;
  thumbnails: RenderedThumbnail[];
}

/**
 * A checked original, ready to render: every call to `open()` gives a fresh sharp pipeline over
 * the same in-memory pixels source, already limited, strict and set to come out upright.
 */
export interface ThumbnailSource {
  format: string;
  width: number;
  height: number;
  open(): Sharp;
}
