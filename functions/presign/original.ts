import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Caller } from '../../lib/auth/caller.ts';
import type { Config } from '../../lib/config/config.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { json } from '../../lib/http/response.ts';
import { isOriginalKey } from '../../lib/keys/photo-keys.ts';
import { getJobPhoto } from '../../lib/repo/job-photos.ts';
import type { JobRepository } from '../../lib/repo/jobs.ts';
import type { PhotoRepository } from '../../lib/repo/photos.ts';
import { originalRequest } from './schemas.ts';

/** What `GET /photos/{photo_id}/original` needs. */
export interface OriginalDeps {
  config: Config;
  s3: S3Client;
  jobs: JobRepository;
  photos: PhotoRepository;
}

/** Evidence links are short: API.md › Photo evidence allows at most 15 minutes. */
const ORIGINAL_URL_TTL_SECONDS = 15 * 60;

/**
 * Photo evidence for admins: a short presigned GET of the original as it was checked (kept under
 * `originals/`, where no grant can write), with the SHA-256 the thumbnail stage computed over
 * those bytes. Crew and customers are refused; only a `ready` photo has a fingerprint to offer.
 */
export async function getOriginal(
  event: APIGatewayProxyEventV2,
  caller: Caller,
  deps: OriginalDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  if (caller.role !== 'admin') throw new HttpError('forbidden', 'Only an admin may fetch a photo original.');
  const parsed = originalRequest.safeParse({
    photo_id: event.pathParameters?.photo_id,
    job_id: event.queryStringParameters?.job_id,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(
      'invalid_request',
      `Invalid ${issue?.path.join('.') || 'request'}: ${issue?.message}.`,
    );
  }
  const { photo_id: photoId, job_id: jobId } = parsed.data;
  // A booked job's photos include its quote's (kept under `quote-{id}`, never copied).
  const job = await deps.jobs.get(jobId);
  const photo = job ? await getJobPhoto(deps.photos, job, photoId) : await deps.photos.get(jobId, photoId);
  if (!photo) throw new HttpError('not_found', `There is no photo "${photoId}" in job "${jobId}".`);
  if (photo.status !== 'ready' || !photo.sha256 || !isOriginalKey(photo.key)) {
    throw new HttpError(
      'conflict',
      `Photo "${photoId}" has no verified original yet (it is ${photo.status}).`,
    );
  }
  const command = new GetObjectCommand({ Bucket: deps.config.uploadsBucket, Key: photo.key });
  const url = await getSignedUrl(deps.s3, command, { expiresIn: ORIGINAL_URL_TTL_SECONDS });
  return json(200, {
    photo_id: photoId,
    url,
    sha256: photo.sha256,
    size: photo.size ?? null,
    content_type: photo.sniffedType ?? photo.declaredType,
  });
}
