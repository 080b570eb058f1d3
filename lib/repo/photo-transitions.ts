import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { jobPk, photoSk } from './keys.ts';
import type { Photo, PhotoGps, PhotoStatus } from './photo.ts';

/** What a conditional transition did. */
export type TransitionOutcome =
  /** The photo moved to the new state. */
  | 'recorded'
  /** The photo is already in this state for this object version (a duplicate delivery). */
  | 'duplicate'
  /** A newer object version already decided the photo's state. */
  | 'stale'
  /** The photo has a final verdict that nothing moves back. */
  | 'final';

/** The facts on-upload records when an object passed its checks. */
export interface ReceivedFacts {
  jobId: string;
  photoId: string;
  key: string;
  sequencer: string;
  size: number;
  etag: string | null;
  sniffedType: string;
  receivedAt: string;
  takenAt: string | null;
  gps: PhotoGps | null;
  exif: Photo['exif'];
  distanceM: number | null;
  farFromSite: boolean;
}

/** The facts the thumbnail stage records when a photo is ready. */
export interface ReadyFacts {
  jobId: string;
  photoId: string;
  sequencer: string;
  width: number;
  height: number;
  thumbnails: Record<string, string>;
  sha256: string;
  readyAt: string;
}

const FINAL: PhotoStatus[] = ['ready', 'rejected', 'missing'];

/**
 * Every state change of a photo, each one conditional write: a duplicate or late message
 * cannot move a photo backwards, and an older S3 event (lower sequencer) never overwrites a
 * newer one. When a condition fails, one consistent read tells duplicate from stale from final.
 */
export class PhotoTransitions {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** pending/abandoned/failed (or unknown) → received, for the object version `sequencer`. */
  async received(f: ReceivedFacts): Promise<TransitionOutcome> {
    return this.#transition(f.jobId, f.photoId, f.sequencer, 'received', {
      update: `SET #status = :received, #key = :key, jobId = :jobId, photoId = :photoId, #type = :photo,
        createdAt = if_not_exists(createdAt, :receivedAt), receivedAt = :receivedAt, sequencer = :seq,
        #size = :size, etag = :etag, sniffedType = :sniffed, takenAt = :takenAt, gps = :gps, exif = :exif,
        distanceM = :distance, farFromSite = :far REMOVE reason, reasonCode`,
      // A newer version may replace a non-final state; a redriven delivery of the same version may
      // retry a photo that gave up (failed); a final verdict stays.
      condition: `attribute_not_exists(pk)
        OR (#status IN (:pending, :abandoned, :failed) AND (attribute_not_exists(sequencer) OR sequencer <= :seq))
        OR (#status = :received AND sequencer < :seq)`,
      values: {
        ':received': 'received',
        ':key': f.key,
        ':jobId': f.jobId,
        ':photoId': f.photoId,
        ':photo': 'photo',
        ':receivedAt': f.receivedAt,
        ':seq': f.sequencer,
        ':size': f.size,
        ':etag': f.etag,
        ':sniffed': f.sniffedType,
        ':takenAt': f.takenAt,
        ':gps': f.gps,
        ':exif': f.exif,
        ':distance': f.distanceM,
        ':far': f.farFromSite,
        ':pending': 'pending',
        ':abandoned': 'abandoned',
        ':failed': 'failed',
      },
      names: { '#key': 'key', '#type': 'type', '#size': 'size' },
    });
  }

  /** → rejected / missing / failed with a reason, unless a final verdict or newer version exists. */
  async verdict(
    target: { jobId: string; photoId: string; key: string; sequencer: string },
    status: 'rejected' | 'missing' | 'failed',
    reasonCode: string,
    reason: string,
  ): Promise<TransitionOutcome> {
    return this.#transition(target.jobId, target.photoId, target.sequencer, status, {
      update: `SET #status = :status, reason = :reason, reasonCode = :code, sequencer = :seq, #key = :key,
        jobId = :jobId, photoId = :photoId, #type = :photo, createdAt = if_not_exists(createdAt, :now),
        decidedAt = :now`,
      condition: `attribute_not_exists(pk) OR (NOT #status IN (:ready, :rejected, :missing)
        AND (attribute_not_exists(sequencer) OR sequencer <= :seq))`,
      values: {
        ':status': status,
        ':reason': reason,
        ':code': reasonCode,
        ':seq': target.sequencer,
        ':key': target.key,
        ':jobId': target.jobId,
        ':photoId': target.photoId,
        ':photo': 'photo',
        ':now': new Date().toISOString(),
        ':ready': 'ready',
        ':rejected': 'rejected',
        ':missing': 'missing',
      },
      names: { '#key': 'key', '#type': 'type' },
    });
  }

  /** received/failed → ready, only for the object version that was checked. */
  async ready(f: ReadyFacts): Promise<TransitionOutcome> {
    return this.#transition(f.jobId, f.photoId, f.sequencer, 'ready', {
      update: `SET #status = :ready, width = :w, height = :h, thumbnails = :thumbs, sha256 = :sha,
        readyAt = :at REMOVE reason, reasonCode`,
      condition: '#status IN (:received, :failed) AND sequencer = :seq',
      values: {
        ':ready': 'ready',
        ':w': f.width,
        ':h': f.height,
        ':thumbs': f.thumbnails,
        ':sha': f.sha256,
        ':at': f.readyAt,
        ':received': 'received',
        ':failed': 'failed',
        ':seq': f.sequencer,
      },
      names: {},
    });
  }

  /**
   * Claims the right to emit one event for one object version (`marker` names the event).
   * Returns false when someone already emitted it; call {@link releaseEvent} if the put fails.
   */
  async claimEvent(jobId: string, photoId: string, marker: string, sequencer: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: jobPk(jobId), sk: photoSk(photoId) },
          UpdateExpression: 'SET #m = :seq',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#m) OR #m <> :seq)',
          ExpressionAttributeNames: { '#m': `emitted_${marker.replace(/\W/g, '_')}` },
          ExpressionAttributeValues: { ':seq': sequencer },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Gives a claimed event back after a failed put, so the retry emits it. */
  async releaseEvent(jobId: string, photoId: string, marker: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: jobPk(jobId), sk: photoSk(photoId) },
        UpdateExpression: 'REMOVE #m',
        ExpressionAttributeNames: { '#m': `emitted_${marker.replace(/\W/g, '_')}` },
      }),
    );
  }

  async #transition(
    jobId: string,
    photoId: string,
    sequencer: string,
    status: PhotoStatus,
    expr: {
      update: string;
      condition: string;
      values: Record<string, unknown>;
      names: Record<string, string>;
    },
  ): Promise<TransitionOutcome> {
    const Key = { pk: jobPk(jobId), sk: photoSk(photoId) };
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key,
          UpdateExpression: expr.update.replace(/\s+/g, ' '),
          ConditionExpression: expr.condition.replace(/\s+/g, ' '),
          ExpressionAttributeNames: { '#status': 'status', ...expr.names },
          ExpressionAttributeValues: expr.values,
        }),
      );
      return 'recorded';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const current = (await this.db.send(new GetCommand({ TableName: this.table, Key, ConsistentRead: true })))
      .Item as Photo | undefined;
    if (current?.status === status && current.sequencer === sequencer) return 'duplicate';
    if (current?.sequencer && current.sequencer > sequencer) return 'stale';
    if (current && FINAL.includes(current.status)) return 'final';
    return 'stale';
  }
}
