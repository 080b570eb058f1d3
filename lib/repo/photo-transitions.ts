import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { jobPk, photoSk } from './keys.ts';
import type { Photo, PhotoGps, PhotoStatus } from './photo.ts';
import { statusPk, statusSk } from './status-index.ts';

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
 * The claim to emit a state's event, taken in the same write as the state (one round trip less
 * than a separate `claimEvent`): a state write that is `recorded` holds the claim, since no
 * earlier delivery of this version reached the state to claim it first.
 */
export interface EventClaim {
  /** The event's name, e.g. `photo.received`. */
  marker: string;
  /** When the claim was taken (ms since the epoch); a lease counts from here. */
  at: number;
  /** The claiming process (see `claimEvent`). */
  owner?: string;
}

/** The attribute that holds a version's claim to emit `marker`. */
function claimAttribute(marker: string): string {
  return `emit_${marker.replace(/\W/g, '_')}`;
}

/** The update clause, name and value that take `claim` for `sequencer` in a state write. */
function claimParts(
  claim: EventClaim | undefined,
  sequencer: string,
): { set: string; names: Record<string, string>; values: Record<string, unknown> } {
  if (!claim) return { set: '', names: {}, values: {} };
  return {
    set: ', #claim = :claim',
    names: { '#claim': claimAttribute(claim.marker) },
    values: {
      ':claim': {
        seq: sequencer,
        state: 'claimed',
        at: claim.at,
        ...(claim.owner === undefined ? {} : { owner: claim.owner }),
      },
    },
  };
}

/**
 * The status index's keys move in the same write as the status, so ops counts never drift from
 * the photos (dynalite has no TransactWriteItems, which a counter beside each write would need).
 * The sort key is set once (the grant's expiry, from presign) and kept.
 */
const INDEX_SET = 'gsi2pk = :gsiPk, gsi2sk = if_not_exists(gsi2sk, :gsiSk)';

function indexValues(status: PhotoStatus, at: string, jobId: string, photoId: string) {
  return { ':gsiPk': statusPk(status), ':gsiSk': statusSk(at, jobId, photoId) };
}

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

  /**
   * pending/abandoned/failed (or unknown) → received, for the object version `sequencer`; with
   * `claim`, a `recorded` outcome also holds the claim to emit the event (see `EventClaim`).
   */
  async received(f: ReceivedFacts, claim?: EventClaim): Promise<TransitionOutcome> {
    const c = claimParts(claim, f.sequencer);
    return this.#transition(f.jobId, f.photoId, f.sequencer, 'received', {
      update: `SET #status = :received, #key = :key, jobId = :jobId, photoId = :photoId, #type = :photo,
        createdAt = if_not_exists(createdAt, :receivedAt), receivedAt = :receivedAt, sequencer = :seq,
        #size = :size, etag = :etag, sniffedType = :sniffed, takenAt = :takenAt, gps = :gps, exif = :exif,
        distanceM = :distance, farFromSite = :far, ${INDEX_SET}${c.set} REMOVE reason, reasonCode`,
      // A newer version may replace a non-final state. The same version may retry a photo that
      // gave up before it was ever received (a redriven upload); a photo the thumbnail stage gave
      // up on stays failed (its own DLQ holds the retry), whatever late duplicates arrive.
      condition: `attribute_not_exists(pk)
        OR (#status IN (:pending, :abandoned, :failed) AND (attribute_not_exists(sequencer) OR sequencer < :seq))
        OR (#status = :failed AND sequencer = :seq AND attribute_not_exists(receivedAt))
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
        ...indexValues('received', f.receivedAt, f.jobId, f.photoId),
        ...c.values,
      },
      names: { '#key': 'key', '#type': 'type', '#size': 'size', ...c.names },
    });
  }

  /** → rejected / missing / failed with a reason, unless a final verdict or newer version exists. */
  async verdict(
    target: { jobId: string; photoId: string; key: string; sequencer: string },
    status: 'rejected' | 'missing' | 'failed',
    reasonCode: string,
    reason: string,
  ): Promise<TransitionOutcome> {
    const now = new Date().toISOString();
    return this.#transition(target.jobId, target.photoId, target.sequencer, status, {
      update: `SET #status = :status, reason = :reason, reasonCode = :code, sequencer = :seq, #key = :key,
        jobId = :jobId, photoId = :photoId, #type = :photo, createdAt = if_not_exists(createdAt, :now),
        decidedAt = :now, ${INDEX_SET}`,
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
        ':now': now,
        ':ready': 'ready',
        ':rejected': 'rejected',
        ':missing': 'missing',
        ...indexValues(status, now, target.jobId, target.photoId),
      },
      names: { '#key': 'key', '#type': 'type' },
    });
  }

  /**
   * pending → abandoned with a reason a crew member understands: the grant expired and nothing
   * arrived. Only a photo still `pending` moves; an upload that arrived since wins.
   */
  async abandoned(target: { jobId: string; photoId: string }, reason: string): Promise<TransitionOutcome> {
    const now = new Date().toISOString();
    return this.#transition(target.jobId, target.photoId, '', 'abandoned', {
      update: `SET #status = :abandoned, reason = :reason, reasonCode = :code, decidedAt = :now, ${INDEX_SET}`,
      condition: '#status = :pending',
      values: {
        ':abandoned': 'abandoned',
        ':reason': reason,
        ':code': 'upload_expired',
        ':now': now,
        ':pending': 'pending',
        ...indexValues('abandoned', now, target.jobId, target.photoId),
      },
      names: {},
    });
  }

  /**
   * received/failed → ready, only for the object version that was checked; with `claim`, a
   * `recorded` outcome also holds the claim to emit the event (see `EventClaim`).
   */
  async ready(f: ReadyFacts, claim?: EventClaim): Promise<TransitionOutcome> {
    const c = claimParts(claim, f.sequencer);
    return this.#transition(f.jobId, f.photoId, f.sequencer, 'ready', {
      update: `SET #status = :ready, width = :w, height = :h, thumbnails = :thumbs, sha256 = :sha,
        readyAt = :at, ${INDEX_SET}${c.set} REMOVE reason, reasonCode`,
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
        ...indexValues('ready', f.readyAt, f.jobId, f.photoId),
        ...c.values,
      },
      names: { ...c.names },
    });
  }

  /**
   * Claims the right to emit one event for one object version (`marker` names the event): a lease
   * that a duplicate delivery respects while it is fresh, and that a retry may take over once it is
   * older than `leaseMs` (the holder crashed or timed out between the claim and the put).
   * Returns false when the event was sent, or another delivery holds a fresh claim.
   */
  async claimEvent(
    photo: { jobId: string; photoId: string; sequencer: string },
    marker: string,
    leaseMs: number,
    now = Date.now(),
    owner?: string,
  ): Promise<boolean> {
    // With an owner (a process that is its queues' only consumer), a claim another process left
    // is taken over at once: that process is gone. Without one, only a stale claim is.
    const foreign = owner === undefined ? '' : ' OR (#m.#state = :claimed AND #m.#owner <> :owner)';
    return this.#conditional(photo, marker, {
      UpdateExpression: 'SET #m = :claim',
      ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(#m) OR #m.#seq <> :seq OR (#m.#state = :claimed AND #m.#at < :stale)${foreign})`,
      ExpressionAttributeNames: {
        '#seq': 'seq',
        '#state': 'state',
        '#at': 'at',
        ...(owner === undefined ? {} : { '#owner': 'owner' }),
      },
      ExpressionAttributeValues: {
        ':claim': {
          seq: photo.sequencer,
          state: 'claimed',
          at: now,
          ...(owner === undefined ? {} : { owner }),
        },
        ':seq': photo.sequencer,
        ':claimed': 'claimed',
        ':stale': now - leaseMs,
        ...(owner === undefined ? {} : { ':owner': owner }),
      },
    });
  }

  /** Marks a claimed event as sent: no later delivery of this version emits it again. */
  async markEventSent(
    photo: { jobId: string; photoId: string; sequencer: string },
    marker: string,
  ): Promise<void> {
    await this.#conditional(photo, marker, {
      UpdateExpression: 'SET #m.#state = :sent',
      ConditionExpression: '#m.#seq = :seq',
      ExpressionAttributeNames: { '#seq': 'seq', '#state': 'state' },
      ExpressionAttributeValues: { ':sent': 'sent', ':seq': photo.sequencer },
    });
  }

  /** Gives back this version's claim after a failed put, so the retry emits the event at once. */
  async releaseEvent(
    photo: { jobId: string; photoId: string; sequencer: string },
    marker: string,
  ): Promise<void> {
    await this.#conditional(photo, marker, {
      UpdateExpression: 'REMOVE #m',
      ConditionExpression: '#m.#seq = :seq AND #m.#state = :claimed',
      ExpressionAttributeNames: { '#seq': 'seq', '#state': 'state' },
      ExpressionAttributeValues: { ':seq': photo.sequencer, ':claimed': 'claimed' },
    });
  }

  async #conditional(
    photo: { jobId: string; photoId: string },
    marker: string,
    expr: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
    },
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: jobPk(photo.jobId), sk: photoSk(photo.photoId) },
          ...expr,
          ExpressionAttributeNames: {
            '#m': claimAttribute(marker),
            ...expr.ExpressionAttributeNames,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
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
