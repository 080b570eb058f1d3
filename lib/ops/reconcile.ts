import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { emitEvent, type PhotoReceivedDetail } from '../events/domain-events.ts';
import { parsePhotoKey } from '../keys/photo-keys.ts';
import type { Photo } from '../repo/photo.ts';
import type { PhotoTransitions } from '../repo/photo-transitions.ts';
import type { PhotoRepository } from '../repo/photos.ts';
import type { PhotoStatusIndex } from '../repo/status-index.ts';
import type { QueueAdmin } from './queue-admin.ts';
import { decodeCursor, encodeCursor, PHASES, type Phase, type ReconcileCursor } from './reconcile-cursor.ts';
import { objectCreatedMessage } from './requeue-event.ts';

/** The reason an abandoned photo carries, in a crew member's words. */
export const ABANDONED_REASON = 'The upload link expired before a photo arrived.';

/** What reconcile reads and writes. */
export interface ReconcileDeps {
  s3: S3Client;
  bucket: string;
  /** Where grants upload (`photos/`): originals there may lack a verdict. */
  uploadPrefix: string;
  uploadsQueue: string;
  region: string;
  admin: QueueAdmin;
  /** The bus a `received` photo's lost `photo.received` is put on again. */
  events: EventBridgeClient;
  busName: string;
  photos: PhotoRepository;
  transitions: PhotoTransitions;
  index: PhotoStatusIndex;
  now: () => number;
}

/** One thing reconcile did or found. */
export interface ReconcileAction {
  action: 'requeued' | 'reemitted' | 'abandoned' | 'orphan';
  photo_id: string;
  job_id: string;
  key: string;
  status?: string;
}

/** One call's work: totals, what was done, and where to go on (null when the walk is complete). */
export interface ReconcileResult {
  scanned: number;
  requeued: number;
  abandoned: number;
  orphans: number;
  actions: ReconcileAction[];
  next_cursor: string | null;
  phase: Phase | 'done';
}

/** How much one call walks and how old an original or expiry must be before it is acted on. */
export interface ReconcileOptions {
  cursor?: string;
  /** Items to look at in this call (S3 objects and records together). */
  limit: number;
  /** Leave alone what happened in the last `minAgeSeconds` (its own event may be on its way). */
  minAgeSeconds: number;
}

/**
 * Closes the loose ends a lost event leaves, one bounded page at a time (resumable by cursor):
 * originals under the upload prefix with no verdict go back on the uploads queue as S3 events;
 * `received` photos that never got thumbnails (their `photo.received` was lost) get it again;
 * `pending` photos whose grant expired with nothing uploaded become `abandoned`; records whose
 * object is gone are reported. Idempotent: a second run finds nothing left to do, and a duplicate
 * S3 event is harmless to on-upload.
 */
export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileResult> {
  const out: ReconcileResult = {
    scanned: 0,
    requeued: 0,
    abandoned: 0,
    orphans: 0,
    actions: [],
    next_cursor: null,
    phase: 'done',
  };
  let cursor: ReconcileCursor | null = options.cursor
    ? decodeCursor(options.cursor)
    : { phase: 'objects', token: null };
  while (cursor && out.scanned < options.limit) {
    const budget = Math.min(1000, Math.max(1, options.limit - out.scanned));
    const current: ReconcileCursor = cursor;
    const token: ReconcileCursor['token'] =
      current.phase === 'objects'
        ? await objectsPage(deps, options, current, budget, out)
        : await recordsPage(deps, options, current, budget, out);
    cursor = token !== null ? { phase: current.phase, token } : nextPhase(current.phase);
  }
  out.next_cursor = cursor ? encodeCursor(cursor) : null;
  out.phase = cursor?.phase ?? 'done';
  return out;
}

function nextPhase(phase: Phase): ReconcileCursor | null {
  const next = PHASES[PHASES.indexOf(phase) + 1];
  return next ? { phase: next, token: null } : null;
}

/** Originals under the upload prefix: re-enqueue those whose photo has no verdict. */
async function objectsPage(
  deps: ReconcileDeps,
  options: ReconcileOptions,
  cursor: ReconcileCursor,
  budget: number,
  out: ReconcileResult,
): Promise<string | null> {
  const page = await deps.s3.send(
    new ListObjectsV2Command({
      Bucket: deps.bucket,
      Prefix: deps.uploadPrefix,
      MaxKeys: budget,
      ...(typeof cursor.token === 'string' ? { ContinuationToken: cursor.token } : {}),
    }),
  );
  const settled = deps.now() - options.minAgeSeconds * 1000;
  for (const object of page.Contents ?? []) {
    out.scanned++;
    const parts = object.Key ? parsePhotoKey(object.Key) : null;
    // A key the pipeline never issued is on-upload's to set aside when its event comes.
    if (!object.Key || !parts) continue;
    if ((object.LastModified?.getTime() ?? 0) > settled) continue;
    const photo = await deps.photos.get(parts.jobId, parts.photoId);
    if (photo && photo.status !== 'pending' && photo.status !== 'abandoned') continue;
    await deps.admin.send(
      deps.uploadsQueue,
      objectCreatedMessage(
        { bucket: deps.bucket, key: object.Key, size: object.Size ?? 0, etag: object.ETag ?? '' },
        deps.region,
        new Date(deps.now()),
      ),
    );
    out.requeued++;
    out.actions.push({ action: 'requeued', photo_id: parts.photoId, job_id: parts.jobId, key: object.Key });
  }
  return page.IsTruncated && page.NextContinuationToken ? page.NextContinuationToken : null;
}

/** Expired grants (`expired`) and records by status: abandon or report as orphans. */
async function recordsPage(
  deps: ReconcileDeps,
  options: ReconcileOptions,
  cursor: ReconcileCursor,
  budget: number,
  out: ReconcileResult,
): Promise<Record<string, unknown> | null> {
  const expired = cursor.phase === 'expired';
  const status = expired ? 'pending' : (cursor.phase as 'received' | 'ready' | 'failed');
  const page = await deps.index.page(status, {
    limit: budget,
    start: typeof cursor.token === 'object' ? cursor.token : null,
    ...(expired ? { expiredBefore: new Date(deps.now() - options.minAgeSeconds * 1000).toISOString() } : {}),
  });
  for (const { jobId, photoId } of page.photos) {
    out.scanned++;
    const photo = await deps.photos.get(jobId, photoId);
    if (!photo || photo.status !== status) continue;
    const exists = await objectExists(deps, photo.key);
    if (exists && status === 'received' && settledSince(photo.receivedAt, deps, options)) {
      await emitEvent(deps.events, deps.busName, 'photo.received', receivedDetail(photo, deps.bucket));
      out.requeued++;
      out.actions.push({ action: 'reemitted', photo_id: photoId, job_id: jobId, key: photo.key, status });
      continue;
    }
    if (exists) continue;
    if (expired) {
      if ((await deps.transitions.abandoned({ jobId, photoId }, ABANDONED_REASON)) !== 'recorded') continue;
      out.abandoned++;
      out.actions.push({ action: 'abandoned', photo_id: photoId, job_id: jobId, key: photo.key });
    } else {
      out.orphans++;
      out.actions.push({ action: 'orphan', photo_id: photoId, job_id: jobId, key: photo.key, status });
    }
  }
  return page.next;
}

async function objectExists(deps: ReconcileDeps, key: string): Promise<boolean> {
  try {
    await deps.s3.send(new HeadObjectCommand({ Bucket: deps.bucket, Key: key }));
    return true;
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

function settledSince(at: string | undefined, deps: ReconcileDeps, options: ReconcileOptions): boolean {
  return !!at && Date.parse(at) <= deps.now() - options.minAgeSeconds * 1000;
}

/** The `photo.received` on-upload sent for this photo, rebuilt from what it recorded. */
function receivedDetail(photo: Photo, bucket: string): PhotoReceivedDetail {
  return {
    job_id: photo.jobId,
    photo_id: photo.photoId,
    bucket,
    key: photo.key,
    size: photo.size ?? 0,
    content_type: photo.sniffedType ?? photo.declaredType,
    sequencer: photo.sequencer ?? '',
    ...(photo.etag ? { etag: photo.etag } : {}),
    orientation: photo.exif?.orientation ?? null,
  };
}
