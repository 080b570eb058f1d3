import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ulid } from 'ulid';
import type { Caller } from '../../lib/auth/caller.ts';
import type { Config } from '../../lib/config/config.ts';
import { formatByteSize } from '../../lib/format/byte-size.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { parseJsonBody } from '../../lib/http/request.ts';
import { json } from '../../lib/http/response.ts';
import { cleanFilename } from '../../lib/keys/filename.ts';
import { photoKey } from '../../lib/keys/photo-keys.ts';
import type { JobRepository } from '../../lib/repo/jobs.ts';
import type { Photo } from '../../lib/repo/photo.ts';
import type { PhotoRepository } from '../../lib/repo/photos.ts';
import type { QuoteRepository } from '../../lib/repo/quotes.ts';
import type { RateLimiter } from '../../lib/repo/rate-limits.ts';
import { topology } from '../../lib/topology/topology.ts';
import { authorizeUpload } from './access.ts';
import { uploadUrlRequest } from './schemas.ts';
import { uploadPolicy } from './upload-policy.ts';

/** What `POST /upload-url` needs. */
export interface UploadUrlDeps {
  config: Config;
  s3: S3Client;
  jobs: JobRepository;
  photos: PhotoRepository;
  quotes: QuoteRepository;
  rateLimiter: RateLimiter;
  now: () => number;
  log: (message: string, extra: Record<string, unknown>) => void;
}

/** Issues a presigned POST for one photo of a job the caller may upload to, and records it `pending`. */
export async function issueUploadUrl(
  event: APIGatewayProxyEventV2,
  caller: Caller,
  deps: UploadUrlDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const { config } = deps;
  const input = parseJsonBody(event, uploadUrlRequest);
  const ext = topology.uploads.contentTypes[input.content_type.toLowerCase()];
  if (!ext) {
    const allowed = Object.keys(topology.uploads.contentTypes).join(', ');
    throw new HttpError(
      'unsupported_type',
      `Expected one of ${allowed} but received "${input.content_type}".`,
    );
  }
  if (input.size !== undefined && input.size > config.uploads.maxBytes) {
    throw new HttpError(
      'too_large',
      `The file is larger than ${formatByteSize(config.uploads.maxBytes)}, the largest upload allowed (it is ${formatByteSize(input.size)}).`,
    );
  }
  // The job is read while the budget is taken (one round trip less), but its verdict is only
  // looked at after the rate limit, so probing for job ids still spends the caller's budget.
  const authorizing = authorizeUpload(caller, input.job_id, deps);
  authorizing.catch(() => undefined);
  const rate = await deps.rateLimiter.take(caller.sub, 'upload-url', config.uploads.ratePerMinute);
  if (!rate.allowed) {
    throw new HttpError(
      'rate_limited',
      `Too many upload requests; try again in ${rate.retryAfterSeconds} s.`,
      {
        headers: { 'retry-after': String(rate.retryAfterSeconds) },
      },
    );
  }
  const target = await authorizing;

  const nowMs = deps.now();
  const photoId = ulid(nowMs);
  const key = photoKey(input.job_id, photoId, ext);
  const contentType = input.content_type.toLowerCase();
  const expiresAt = new Date(nowMs + config.uploads.urlTtlSeconds * 1000).toISOString();
  // Signing needs no table: it runs while the photo slot is taken, and is thrown away if none is left.
  const signing = createPresignedPost(
    deps.s3,
    uploadPolicy({
      bucket: config.uploadsBucket,
      key,
      contentType,
      maxBytes: config.uploads.maxBytes,
      expiresSeconds: config.uploads.urlTtlSeconds,
      uploader: caller.sub,
      photoId,
      ...(input.gps ? { deviceGps: input.gps } : {}),
    }),
  );
  signing.catch(() => undefined);
  const pending: Photo = {
    jobId: input.job_id,
    photoId,
    key,
    status: 'pending',
    createdAt: new Date(nowMs).toISOString(),
    uploader: { sub: caller.sub, role: caller.role },
    declaredType: contentType,
    declaredSize: input.size ?? null,
    originalName: cleanFilename(input.filename),
    deviceGps: input.gps
      ? { lat: input.gps.lat, lon: input.gps.lon, accuracyM: input.gps.accuracy_m ?? null }
      : null,
    urlExpiresAt: expiresAt,
  };
  // The photo is recorded while its slot is taken (one round trip instead of two in a row). No
  // grant exists until this answer, so a record without a slot is removed before anyone can use it.
  const [slot, recorded] = await Promise.allSettled([
    target.kind === 'job'
      ? deps.jobs.takePhotoSlot(input.job_id, config.uploads.maxPhotosPerJob)
      : Promise.resolve(true),
    deps.photos.putPending(pending),
  ]);
  if (slot.status === 'rejected' || !slot.value) {
    if (recorded.status === 'fulfilled') await deps.photos.deleteUnissued(input.job_id, photoId);
    if (slot.status === 'rejected') throw slot.reason;
    throw new HttpError(
      'conflict',
      `This job already has the maximum of ${config.uploads.maxPhotosPerJob} photos.`,
    );
  }
  if (recorded.status === 'rejected') throw recorded.reason;
  const post = await signing;
  deps.log('upload url issued', { correlation_id: photoId, job_id: input.job_id, caller: caller.sub, key });
  return json(200, {
    photo_id: photoId,
    key,
    url: post.url,
    fields: post.fields,
    expires_at: expiresAt,
    max_bytes: config.uploads.maxBytes,
  });
}
