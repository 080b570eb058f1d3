import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../lib/config/config.ts';
import type { PhotoReceivedDetail } from '../../lib/events/domain-events.ts';
import { claimNow, type EmitDeps, emitClaimed, emitOnce, stageEmitDeps } from '../../lib/events/emit-once.ts';
import { decodeS3Key, normalizeSequencer, type S3EventRecord } from '../../lib/events/s3-event.ts';
import { isOriginalKey, originalKey, parsePhotoKey } from '../../lib/keys/photo-keys.ts';
import type { JobSiteCache } from '../../lib/repo/job-site-cache.ts';
import { FINAL_STATUSES, type Photo } from '../../lib/repo/photo.ts';
import type { PhotoTransitions } from '../../lib/repo/photo-transitions.ts';
import type { PhotoRepository } from '../../lib/repo/photos.ts';
import type { RefusedReplacements } from '../../lib/repo/refused-replacements.ts';
import { copyAccepted, deleteIfUnchanged } from '../../lib/s3/accept-original.ts';
import { OriginalTakenError } from '../../lib/s3/errors.ts';
import { setAsideRejected, setAsideReplacement } from '../../lib/s3/move-object.ts';
import { ObjectChangedError, ObjectMissingError } from '../../lib/s3/object-reader.ts';
import { topology } from '../../lib/topology/topology.ts';
import { inspectObject } from './inspect-object.ts';
import { locatePhoto } from './location.ts';
import { VerdictError } from './verdicts.ts';

/** What the on-upload stage needs. */
export interface OnUploadDeps {
  config: Config;
  s3: S3Client;
  events: EventBridgeClient;
  /** Job sites (for the far-from-site flag), kept per instance. */
  sites: JobSiteCache;
  photos: PhotoRepository;
  transitions: PhotoTransitions;
  /** Records and counts refused replacements (`photos.replaced_refused`) for ops. */
  refusals: RefusedReplacements;
  logger: Logger;
  now: () => number;
}

/** How long a claim to emit `photo.received` holds: the function's timeout. */
const LEASE_MS = topology.functions['on-upload'].timeoutSeconds * 1000;

const typeOfExt = Object.fromEntries(
  Object.entries(topology.uploads.contentTypes).map(([type, ext]) => [ext, type]),
);

function emitDeps(deps: OnUploadDeps): EmitDeps {
  return stageEmitDeps(deps, LEASE_MS);
}

function emitReceived(
  deps: OnUploadDeps,
  target: { jobId: string; photoId: string; sequencer: string },
  detail: PhotoReceivedDetail,
): Promise<boolean> {
  return emitOnce(emitDeps(deps), target, 'photo.received', detail);
}

/** A photo whose bytes were accepted, or that has a verdict: no later object changes it. */
function hasVerdict(photo: Photo): boolean {
  return photo.receivedAt !== undefined || FINAL_STATUSES.includes(photo.status);
}

/** After a crash between the record and the event: drop the upload's copy, emit `photo.received`. */
async function finishAccepted(
  deps: OnUploadDeps,
  bucket: string,
  key: string,
  photo: Photo,
  etag: string | null,
): Promise<void> {
  if (etag) await deleteIfUnchanged(deps.s3, bucket, key, etag);
  await emitReceived(
    deps,
    { jobId: photo.jobId, photoId: photo.photoId, sequencer: photo.sequencer ?? '' },
    {
      job_id: photo.jobId,
      photo_id: photo.photoId,
      bucket,
      key: photo.key,
      size: photo.size ?? 0,
      content_type: photo.sniffedType ?? photo.declaredType,
      sequencer: photo.sequencer ?? '',
      ...(photo.etag ? { etag: photo.etag } : {}),
      orientation: photo.exif?.orientation ?? null,
    },
  );
}

/**
 * A later write through the grant of a photo that already has its bytes or a verdict (a replay
 * of the presigned POST): a verdict on that object alone — set aside, logged, counted — that
 * never touches the photo's record.
 */
async function refuseReplacement(
  deps: OnUploadDeps,
  bucket: string,
  key: string,
  sequencer: string,
  etag: string | null,
  photo: Photo,
  log: (message: string, extra?: Record<string, unknown>) => void,
): Promise<void> {
  const setAsideAs = await setAsideReplacement(
    deps.s3,
    bucket,
    key,
    sequencer,
    etag ?? undefined,
    deps.config.uploads.rejectedOriginals,
  );
  const recorded = await deps.refusals.record({
    jobId: photo.jobId,
    photoId: photo.photoId,
    sequencer,
    key,
    etag,
    setAsideAs,
    refusedAt: new Date(deps.now()).toISOString(),
  });
  if (!recorded) return log('replacement already refused; duplicate event acknowledged');
  deps.logger.warn('a later upload to an accepted photo was refused and set aside', {
    correlation_id: photo.photoId,
    job_id: photo.jobId,
    key,
    sequencer,
    status: photo.status,
    reason_code: 'replacement_refused',
    set_aside_as: setAsideAs,
  });
  log('replacement refused');
}

/**
 * Decides once and for good about one uploaded object: `received` (and `photo.received` on the
 * bus), or a `rejected`/`missing` verdict with a reason. Throws only for faults worth a retry.
 */
export async function processS3Record(
  record: S3EventRecord,
  deps: OnUploadDeps,
  lastAttempt = false,
): Promise<void> {
  const { config, logger } = deps;
  const bucket = record.s3.bucket.name;
  const key = decodeS3Key(record.s3.object.key);
  const sequencer = normalizeSequencer(record.s3.object.sequencer);
  const parts = parsePhotoKey(key);
  if (!parts) {
    // Not a key this pipeline issued (put by hand or by another tool): keep it out of the way.
    await setAsideRejected(deps.s3, bucket, key, config.uploads.rejectedOriginals);
    logger.error('object under photos/ with a key the pipeline never issues; moved aside', { key });
    return;
  }
  const ids = { jobId: parts.jobId, photoId: parts.photoId };
  const log = (message: string, extra: Record<string, unknown> = {}) =>
    logger.info(message, { correlation_id: parts.photoId, job_id: parts.jobId, key, sequencer, ...extra });

  // The record, the job's site and the object's first bytes do not depend on each other:
  // all three are read at once. The inspection is thrown away when the record says the event is a
  // duplicate or a replay; the declared type it checks against is the key's, which presign built
  // from the declared type (and compared with the record's below).
  const photoRead = deps.photos.get(parts.jobId, parts.photoId);
  const siteRead = deps.sites.site(parts.jobId);
  siteRead.catch(() => undefined);
  const declaredByKey = typeOfExt[parts.ext] ?? '?';
  const inspecting = inspectObject(
    deps.s3,
    {
      bucket,
      key,
      size: record.s3.object.size,
      etag: record.s3.object.eTag,
      declaredType: declaredByKey,
    },
    config.uploads.maxBytes,
  );
  inspecting.catch(() => undefined);
  const photo = await photoRead;
  const etag = record.s3.object.eTag ?? null;
  if (photo?.sequencer === sequencer && photo.receivedAt !== undefined && isOriginalKey(photo.key)) {
    // This version was accepted and moved; a retry after a crash finishes what the first left.
    if (photo.status === 'received') await finishAccepted(deps, bucket, key, photo, etag);
    return log('already accepted; duplicate event acknowledged', { status: photo.status });
  }
  if (photo && FINAL_STATUSES.includes(photo.status) && (photo.sequencer ?? '') >= sequencer) {
    if (photo.status === 'rejected' && photo.sequencer === sequencer) {
      // The delivery that wrote the verdict may have failed before moving the original aside.
      await setAsideRejected(deps.s3, bucket, key, config.uploads.rejectedOriginals);
    }
    return log('already decided; duplicate or late event acknowledged', { status: photo.status });
  }
  if (photo?.sequencer !== undefined && photo.sequencer > sequencer) {
    return log('an older object version than the one recorded; acknowledged', { status: photo.status });
  }
  if (photo && hasVerdict(photo)) return refuseReplacement(deps, bucket, key, sequencer, etag, photo, log);
  const target = { ...ids, key, sequencer };
  try {
    const declared = photo?.declaredType ?? declaredByKey;
    const inspection =
      declared === declaredByKey
        ? await inspecting
        : await inspectObject(
            deps.s3,
            {
              bucket,
              key,
              size: record.s3.object.size,
              etag: record.s3.object.eTag,
              declaredType: declared,
            },
            config.uploads.maxBytes,
          );
    const site = await siteRead;
    const where = locatePhoto(
      inspection.exif,
      photo?.deviceGps ?? null,
      site,
      config.uploads.farFromSiteMeters,
    );
    // The checked version, and only it, moves where no grant can write before it is recorded.
    const original = originalKey(parts);
    if (etag) {
      try {
        await copyAccepted(deps.s3, bucket, key, original, etag);
      } catch (error) {
        if (error instanceof OriginalTakenError && photo) {
          return refuseReplacement(deps, bucket, key, sequencer, etag, photo, log);
        }
        throw error;
      }
    }
    const kept = etag ? original : key;
    const emit = emitDeps(deps);
    const outcome = await deps.transitions.received(
      {
        ...target,
        key: kept,
        size: inspection.size,
        etag: record.s3.object.eTag ?? null,
        sniffedType: inspection.type,
        receivedAt: new Date(deps.now()).toISOString(),
        takenAt: inspection.exif?.takenAt ?? null,
        gps: where.gps,
        exif: inspection.exif
          ? {
              make: inspection.exif.make,
              model: inspection.exif.model,
              orientation: inspection.exif.orientation,
            }
          : null,
        distanceM: where.distanceM,
        farFromSite: where.farFromSite,
      },
      // The claim to emit `photo.received` rides on the state write (one round trip less).
      claimNow(emit, 'photo.received'),
    );
    if (outcome === 'recorded' || outcome === 'duplicate') {
      // The upload's copy is dropped while the event goes out: neither needs the other, and a
      // retry after a failure of either redoes both (finishAccepted), each idempotent.
      const dropping = etag ? deleteIfUnchanged(deps.s3, bucket, key, etag) : Promise.resolve();
      dropping.catch(() => undefined);
      const detail: PhotoReceivedDetail = {
        job_id: parts.jobId,
        photo_id: parts.photoId,
        bucket,
        key: kept,
        size: inspection.size,
        content_type: inspection.type,
        sequencer,
        ...(etag ? { etag } : {}),
        orientation: inspection.exif?.orientation ?? null,
      };
      // `recorded` holds the claim; a `duplicate` (another delivery recorded it) claims as usual.
      if (outcome === 'recorded') await emitClaimed(emit, target, 'photo.received', detail);
      else await emitOnce(emit, target, 'photo.received', detail);
      await dropping;
    }
    log('photo received', {
      outcome,
      gps_source: where.gps?.source ?? null,
      far_from_site: where.farFromSite,
      exif_reads: inspection.reads,
      ...(inspection.exifError ? { exif_problem: inspection.exifError } : {}),
    });
  } catch (error) {
    if (error instanceof VerdictError) {
      const outcome = await deps.transitions.verdict(target, error.status, error.code, error.message);
      if (outcome === 'recorded' || outcome === 'duplicate') {
        await setAsideRejected(deps.s3, bucket, key, config.uploads.rejectedOriginals);
      }
      return log('photo rejected', { outcome, reason_code: error.code, reason: error.message });
    }
    if (error instanceof ObjectChangedError) {
      // Overwritten since this event: the newer version's own event decides the photo.
      return log('object overwritten since this event; acknowledged', { reason: error.message });
    }
    if (error instanceof ObjectMissingError) {
      const now = await deps.photos.get(parts.jobId, parts.photoId);
      if (now?.sequencer === sequencer && now.receivedAt !== undefined) {
        return log('accepted and moved by a concurrent delivery of this event; acknowledged');
      }
      const outcome = await deps.transitions.verdict(
        target,
        'missing',
        'object_missing',
        'The upload was deleted before it could be checked.',
      );
      return log('object missing', { outcome });
    }
    if (lastAttempt) {
      // The queue dead-letters the message after this: leave the reason where ops look first.
      const reason = `The upload could not be checked: ${error instanceof Error ? error.message : String(error)}`;
      await deps.transitions.verdict(target, 'failed', 'processing_failed', reason).catch(() => undefined);
    }
    throw error;
  }
}
