import { QUOTE_JOB_PREFIX } from '../../lib/keys/photo-keys.ts';
import type { Photo } from '../../lib/repo/photo.ts';
import type { PhotoRepository } from '../../lib/repo/photos.ts';

/** A quote has few photos; more than this many are not read for the site or the photo list. */
const MAX_QUOTE_PHOTOS = 200;

/** The photo items attached to a quote (under the pseudo job `quote-{id}`), in upload order. */
export async function quotePhotos(photos: PhotoRepository, quoteId: string): Promise<Photo[]> {
  const page = await photos.list(`${QUOTE_JOB_PREFIX}${quoteId}`, { limit: MAX_QUOTE_PHOTOS });
  return page.photos;
}
