import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../lib/config/config.ts';
import type { PhotoProcessedDetail, PhotoReceivedDetail } from '../../lib/events/domain-events.ts';
import { claimNow, type EmitDeps, emitClaimed, emitOnce, stageEmitDeps } from '../../lib/events/emit-once.ts';
import { readAllHashed } from '../../lib/image/hash-stream.ts';
import { ImageRejectedError } from '../../lib/image/image-errors.ts';
import { renderThumbnails } from '../../lib/image/thumbnails.ts';
import { thumbnailKey } from '../../lib/keys/photo-keys.ts';
import type { PhotoTransitions } from '../../lib/repo/photo-transitions.ts';
import type { PhotoRepository } from '../../lib/repo/photos.ts';
import { setAsideRejected } from '../../lib/s3/move-object.ts';
import { ifMatch } from '../../lib/s3/object-reader.ts';
import { topology } from '../../lib/topology/topology.ts';

/** How long a claim to emit `photo.processed` holds: the function's timeout. */
const LEASE_MS = topology.functions.thumbnail.timeoutSeconds * 1000;

/** What the thumbnail stage needs. */
export interface ThumbnailDeps {
  config: Config;
  s3: S3Client;
  events: EventBridgeClient;
  photos: PhotoRepository;
  transitions: PhotoTransitions;
  logger: Logger;
  now: () => number;
}

/**
 * Reads the original once (hashing it on the way in), renders every size, writes them, and
 * records `ready` — or a `rejected`/`missing` verdict. Throws only for faults worth a retry.
 */
export async function processPhotoReceived(
  announced: PhotoReceivedDetail,
  deps: ThumbnailDeps,
): Promise<void> {
  const { config, logger } = deps;
  const ids = { jobId: announced.job_id, photoId: announced.photo_id, sequencer: announced.sequencer };
  const log = (message: string, extra: Record<string, unknown> = {}) =>
    logger.info(message, {
      correlation_id: announced.photo_id,
      job_id: announced.job_id,
      key: announced.key,
      ...extra,
    });

  // The original is fetched while the record is read: the event names the key on-upload kept
  // (checked against the record below) and pins the version; on a duplicate it is thrown away.
  const fetchOriginal = async (key: string) => {
    const object = await deps.s3.send(
      new GetObjectCommand({ Bucket: announced.bucket, Key: key, IfMatch: ifMatch(announced.etag) }),
    );
    return readAllHashed(object.Body as AsyncIterable<Uint8Array>, config.uploads.maxBytes);
  };
  const fetching = fetchOriginal(announced.key);
  fetching.catch(() => undefined);
  const photo = await deps.photos.get(announced.job_id, announced.photo_id);
  if (!photo)
    throw new Error(`Expected photo ${announced.photo_id} of job ${announced.job_id} to be recorded`);
  if (photo.sequencer !== announced.sequencer) return log('event for an older object version; ignored');
  // The record says where the checked bytes are kept (`originals/`), whatever an event says.
  const detail: PhotoReceivedDetail = { ...announced, key: photo.key };
  if (photo.status === 'ready') {
    // A duplicate: the thumbnails exist; make sure the event went out once.
    await emitProcessed(
      deps,
      ids,
      photo.width ?? 0,
      photo.height ?? 0,
      photo.thumbnails ?? {},
      photo.sha256 ?? '',
    );
    return log('already ready; duplicate acknowledged');
  }
  if (photo.status === 'rejected') {
    // The delivery that wrote the verdict may have failed before setting the original aside.
    await setAsideRejected(deps.s3, detail.bucket, detail.key, deps.config.uploads.rejectedOriginals);
    return log('already rejected; duplicate acknowledged');
  }
  if (photo.status !== 'received' && photo.status !== 'failed')
    return log('not waiting for thumbnails', { status: photo.status });

  const target = { ...ids, key: detail.key };
  let original: Awaited<ReturnType<typeof readAllHashed>>;
  try {
    // Pinned to the version on-upload checked: an overwrite since then has its own event.
    original = await (detail.key === announced.key ? fetching : fetchOriginal(detail.key));
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') {
      const outcome = await deps.transitions.verdict(
        target,
        'missing',
        'object_missing',
        'The original was deleted before thumbnails were made.',
      );
      return log('original missing', { outcome });
    }
    if ((error as { name?: string }).name === 'PreconditionFailed') {
      return log('original overwritten since it was checked; acknowledged');
    }
    if (error instanceof ImageRejectedError) return reject(deps, detail, target, error, log);
    throw error;
  }

  let rendered: Awaited<ReturnType<typeof renderThumbnails>>;
  try {
    rendered = await renderThumbnails(original.buffer, {
      sizes: topology.thumbnails.sizes,
      quality: config.images.webpQuality,
      effort: topology.thumbnails.webpEffort,
      maxInputPixels: config.images.maxInputPixels,
    });
  } catch (error) {
    if (error instanceof ImageRejectedError) return reject(deps, detail, target, error, log);
    throw error;
  }

  const keys: Record<string, string> = {};
  await Promise.all(
    rendered.thumbnails.map(async (thumb) => {
      const key = thumbnailKey(detail.job_id, detail.photo_id, thumb.name);
      keys[thumb.name] = key;
      await deps.s3.send(
        new PutObjectCommand({
          Bucket: detail.bucket,
          Key: key,
          Body: thumb.data,
          ContentType: thumb.contentType,
          CacheControl: topology.thumbnails.cacheControl,
        }),
      );
    }),
  );
  const emit = emitDeps(deps);
  const outcome = await deps.transitions.ready(
    {
      ...ids,
      width: rendered.width,
      height: rendered.height,
      thumbnails: keys,
      sha256: original.sha256,
      readyAt: new Date(deps.now()).toISOString(),
    },
    // The claim to emit `photo.processed` rides on the `ready` write (one round trip less).
    claimNow(emit, 'photo.processed'),
  );
  if (outcome === 'recorded') {
    await emitClaimed(
      emit,
      ids,
      'photo.processed',
      processedDetail(ids, rendered.width, rendered.height, keys, original.sha256),
    );
  } else if (outcome === 'duplicate') {
    await emitProcessed(deps, ids, rendered.width, rendered.height, keys, original.sha256);
  }
  log('photo ready', {
    outcome,
    width: rendered.width,
    height: rendered.height,
    bytes: original.bytes,
    format: rendered.format,
  });
}

function emitDeps(deps: ThumbnailDeps): EmitDeps {
  return stageEmitDeps(deps, LEASE_MS);
}

function processedDetail(
  ids: { jobId: string; photoId: string },
  width: number,
  height: number,
  thumbnails: Record<string, string>,
  sha256: string,
): PhotoProcessedDetail {
  return { job_id: ids.jobId, photo_id: ids.photoId, width, height, thumbnails, sha256 };
}

async function emitProcessed(
  deps: ThumbnailDeps,
  ids: { jobId: string; photoId: string; sequencer: string },
  width: number,
  height: number,
  thumbnails: Record<string, string>,
  sha256: string,
): Promise<void> {
  await emitOnce(
    emitDeps(deps),
    ids,
    'photo.processed',
    processedDetail(ids, width, height, thumbnails, sha256),
  );
}

async function reject(
  deps: ThumbnailDeps,
  detail: PhotoReceivedDetail,
  target: { jobId: string; photoId: string; sequencer: string; key: string },
  error: ImageRejectedError,
  log: (message: string, extra?: Record<string, unknown>) => void,
): Promise<void> {
  const outcome = await deps.transitions.verdict(target, 'rejected', error.reason, error.message);
  if (outcome === 'recorded' || outcome === 'duplicate') {
    await setAsideRejected(deps.s3, detail.bucket, detail.key, deps.config.uploads.rejectedOriginals);
  }
  log('photo rejected by full decode', { outcome, reason_code: error.reason, reason: error.message });
}
