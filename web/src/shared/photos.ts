import { api } from './api.ts';

/** A photo as `GET /list-photos` answers it (API.md › Photos). */
export interface ApiPhoto {
  photo_id: string;
  status: 'pending' | 'received' | 'ready' | 'rejected' | 'failed' | 'missing' | 'abandoned';
  uploaded_at: string | null;
  taken_at: string | null;
  gps: { lat: number; lon: number; source: 'exif' | 'device' } | null;
  width: number | null;
  height: number | null;
  thumbnails: { small: string; large: string } | null;
  /** Crew and admin only (a customer's list holds ready photos without these). */
  reason?: string | null;
  reason_code?: string | null;
  filename?: string | null;
  far_from_site?: boolean;
}

/** Statuses no later event changes: the page stops asking once every photo has one. */
export const FINAL: ReadonlySet<ApiPhoto['status']> = new Set([
  'ready',
  'rejected',
  'failed',
  'missing',
  'abandoned',
]);

/** Every photo of a job, all pages of `/list-photos`. */
export async function listAllPhotos(jobId: string): Promise<ApiPhoto[]> {
  const photos: ApiPhoto[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ job_id: jobId });
    if (cursor) query.set('cursor', cursor);
    const page: { photos: ApiPhoto[]; next_cursor: string | null } = await api(`/list-photos?${query}`);
    photos.push(...page.photos);
    cursor = page.next_cursor;
  } while (cursor);
  return photos;
}
