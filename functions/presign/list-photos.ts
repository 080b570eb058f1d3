import type { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Caller } from '../../lib/auth/caller.ts';
import type { Config } from '../../lib/config/config.ts';
import { parseQuery } from '../../lib/http/request.ts';
import { json } from '../../lib/http/response.ts';
import { listJobPhotos } from '../../lib/repo/job-photos.ts';
import type { JobRepository } from '../../lib/repo/jobs.ts';
import type { Photo } from '../../lib/repo/photo.ts';
import type { PhotoRepository } from '../../lib/repo/photos.ts';
import { authorizeView } from './access.ts';
import { getUrlSigner } from './get-url-signer.ts';
import { listPhotosQuery } from './schemas.ts';

/** What `GET /list-photos` needs. */
export interface ListPhotosDeps {
  config: Config;
  s3: S3Client;
  jobs: JobRepository;
  photos: PhotoRepository;
}

const DEFAULT_PAGE = 100;

/** Lists a job's photos in upload order with short-lived thumbnail URLs — never an original's. */
export async function listPhotos(
  event: APIGatewayProxyEventV2,
  caller: Caller,
  deps: ListPhotosDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const query = parseQuery(event, listPhotosQuery);
  const job = await authorizeView(caller, query.job_id, deps.jobs);
  // A booked job's photos include its quote's, read in place (lib/repo/job-photos.ts).
  const page = await listJobPhotos(deps.photos, job, {
    limit: query.limit ?? DEFAULT_PAGE,
    ...(query.cursor ? { after: query.cursor } : {}),
  });
  // A customer sees the finished gallery only: ready photos and none of the pipeline's own notes
  // (refused files, reasons, far-from-site, who uploaded, device accuracy). Filtering here, not in
  // the page, is what keeps them from anyone holding a customer token and a terminal.
  const photos =
    caller.role === 'customer'
      ? await Promise.all(page.photos.filter((p) => p.status === 'ready').map((p) => toCustomerApi(p, deps)))
      : await Promise.all(page.photos.map((photo) => toStaffApi(photo, deps)));
  return json(200, { job_id: query.job_id, photos, next_cursor: page.nextCursor });
}

/** A ready photo as its customer sees it: where and when it was taken, thumbnails, fingerprint. */
async function toCustomerApi(photo: Photo, deps: ListPhotosDeps) {
  return {
    photo_id: photo.photoId,
    status: photo.status,
    uploaded_at: photo.receivedAt ?? null,
    taken_at: photo.takenAt ?? null,
    gps: photo.gps ? { lat: photo.gps.lat, lon: photo.gps.lon, source: photo.gps.source } : null,
    width: photo.width ?? null,
    height: photo.height ?? null,
    thumbnails: photo.thumbnails ? await signThumbnails(photo.thumbnails, deps) : null,
    sha256: photo.sha256 ?? null,
  };
}

/** A photo as crew and admins see it: every state, the reason and its code, the filename. */
async function toStaffApi(photo: Photo, deps: ListPhotosDeps) {
  return {
    photo_id: photo.photoId,
    status: photo.status,
    uploaded_at: photo.receivedAt ?? null,
    taken_at: photo.takenAt ?? null,
    gps: photo.gps ? { lat: photo.gps.lat, lon: photo.gps.lon, source: photo.gps.source } : null,
    width: photo.width ?? null,
    height: photo.height ?? null,
    far_from_site: photo.farFromSite ?? false,
    thumbnails:
      photo.status === 'ready' && photo.thumbnails ? await signThumbnails(photo.thumbnails, deps) : null,
    reason: photo.status === 'ready' ? null : (photo.reason ?? reasonFor(photo)),
    // The machine code beside the sentence, so pages never recognise reasons by their wording.
    reason_code: photo.status === 'ready' ? null : (photo.reasonCode ?? null),
    // The cleaned original filename kept at upload time (a card picked on another phone shows it).
    filename: photo.originalName || null,
    // The evidence fingerprint of the original's bytes (API.md › Photo evidence).
    sha256: photo.status === 'ready' ? (photo.sha256 ?? null) : null,
  };
}

async function signThumbnails(
  keys: Record<string, string>,
  deps: ListPhotosDeps,
): Promise<Record<string, string>> {
  // One presigner per client and bucket for the life of the process, not one per URL.
  const sign = getUrlSigner(deps.s3, deps.config.uploadsBucket);
  const entries = await Promise.all(
    Object.entries(keys).map(async ([size, key]) => [
      size,
      await sign(key, deps.config.uploads.thumbUrlTtlSeconds),
    ]),
  );
  return Object.fromEntries(entries);
}

function reasonFor(photo: Photo): string | null {
  switch (photo.status) {
    case 'pending':
      return 'Waiting for the upload to arrive.';
    case 'received':
      return 'Checked; thumbnails are being made.';
    default:
      return null;
  }
}
