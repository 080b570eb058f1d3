import { topology } from '../topology/topology.ts';

const { photos, originals, thumbs, quarantine } = topology.buckets.uploads.prefixes;

/** Job ids are plain slugs, so a key built from one can never escape its prefix. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A quote's photos live under the pseudo job id `quote-{quoteId}` until the booking is confirmed. */
export const QUOTE_JOB_PREFIX = 'quote-';

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';
const PHOTO_KEY = new RegExp(`^${photos}([A-Za-z0-9][A-Za-z0-9_-]{0,63})/(${ULID})\\.([a-z]{3,4})$`);

/** The parts of a photo key. */
export interface PhotoKeyParts {
  jobId: string;
  photoId: string;
  ext: string;
}

/** `photos/{jobId}/{photoId}.{ext}`: built on the server only, from validated parts. */
export function photoKey(jobId: string, photoId: string, ext: string): string {
  if (!JOB_ID_PATTERN.test(jobId))
    throw new Error(`Expected a job id matching ${JOB_ID_PATTERN} but received "${jobId}"`);
  if (!new RegExp(`^${ULID}$`).test(photoId))
    throw new Error(`Expected a ULID photo id but received "${photoId}"`);
  return `${photos}${jobId}/${photoId}.${ext}`;
}

/** Splits a photo key back into its parts; null for anything the pipeline did not issue. */
export function parsePhotoKey(key: string): PhotoKeyParts | null {
  const match = PHOTO_KEY.exec(key);
  if (!match) return null;
  const [, jobId, photoId, ext] = match as unknown as [string, string, string, string];
  return { jobId, photoId, ext };
}

/**
 * `originals/{jobId}/{photoId}.{ext}`: where an accepted upload is kept, out of the `photos/`
 * prefix that grants can write, so the bytes checked are the bytes kept.
 */
export function originalKey(parts: PhotoKeyParts): string {
  return `${originals}${parts.jobId}/${parts.photoId}.${parts.ext}`;
}

/** Whether `key` is an accepted original (under `originals/`). */
export function isOriginalKey(key: string): boolean {
  return key.startsWith(originals);
}

/** `thumbs/{jobId}/{photoId}/{size}.webp`. */
export function thumbnailKey(jobId: string, photoId: string, size: string): string {
  return `${thumbs}${jobId}/${photoId}/${size}.webp`;
}

/** Where a rejected original is kept for inspection: `quarantine/photos/…`. */
export function quarantineKey(key: string): string {
  return `${quarantine}${key}`;
}
