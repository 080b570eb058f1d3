import { QUOTE_JOB_PREFIX } from '../keys/photo-keys.ts';
import type { Job } from './job-item.ts';
import type { Photo } from './photo.ts';
import type { PhotoPage, PhotoRepository } from './photos.ts';

/**
 * Where a job's photo items live: under the job itself and, for a booked job, under the quote it
 * came from (`quote-{quoteId}`). Linking reads the quote's items in place instead of copying them,
 * so a photo still `pending` or `received` at confirmation reaches `ready` through the stages'
 * own writes and shows up under the job without anyone copying it again.
 */
export function photoSources(job: Pick<Job, 'jobId' | 'quoteId'>): string[] {
  return job.quoteId ? [job.jobId, `${QUOTE_JOB_PREFIX}${job.quoteId}`] : [job.jobId];
}

/** A page of a job's photos from all its sources, merged in upload order (ULIDs sort by time). */
export async function listJobPhotos(
  photos: PhotoRepository,
  job: Pick<Job, 'jobId' | 'quoteId'>,
  options: { limit: number; after?: string },
): Promise<PhotoPage> {
  const sources = photoSources(job);
  if (sources.length === 1) return photos.list(job.jobId, options);
  // Each source's next `limit` photos after the cursor hold the merged next `limit`.
  const pages = await Promise.all(sources.map((source) => photos.list(source, options)));
  const merged = pages
    .flatMap((p) => p.photos)
    .sort((a, b) => (a.photoId < b.photoId ? -1 : a.photoId > b.photoId ? 1 : 0));
  const page = merged.slice(0, options.limit);
  const more = merged.length > options.limit || pages.some((p) => p.nextCursor !== null);
  const last = page.at(-1);
  return { photos: page, nextCursor: more && last ? last.photoId : null };
}

/** One photo of a job, wherever it lives (the job's own items first). */
export async function getJobPhoto(
  photos: PhotoRepository,
  job: Pick<Job, 'jobId' | 'quoteId'>,
  photoId: string,
): Promise<Photo | null> {
  for (const source of photoSources(job)) {
    const photo = await photos.get(source, photoId);
    if (photo) return photo;
  }
  return null;
}
