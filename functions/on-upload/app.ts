import type { SQSRecord } from 'aws-lambda';
import { type AwsClients, createAwsClients } from '../../lib/aws/clients.ts';
import type { Config } from '../../lib/config/config.ts';
import { isLastAttempt } from '../../lib/events/attempts.ts';
import { sqsBatchHandler } from '../../lib/events/batch-handler.ts';
import { type FailurePolicyOverrides, queueFailurePolicy } from '../../lib/events/queue-failure-policy.ts';
import { decodeS3Key, normalizeSequencer, s3NotificationBody } from '../../lib/events/s3-event.ts';
import { parsePhotoKey } from '../../lib/keys/photo-keys.ts';
import { createLogger } from '../../lib/log/logger.ts';
import { JobSiteCache } from '../../lib/repo/job-site-cache.ts';
import { JobRepository } from '../../lib/repo/jobs.ts';
import { PhotoTransitions } from '../../lib/repo/photo-transitions.ts';
import { PhotoRepository } from '../../lib/repo/photos.ts';
import { RefusedReplacements } from '../../lib/repo/refused-replacements.ts';
import { topology } from '../../lib/topology/topology.ts';
import { type OnUploadDeps, processS3Record } from './process-record.ts';

/**
 * How long an instance keeps a job's site: a crew uploads many photos of one job in a row, and a
 * site, once known, does not move (see JobSiteCache).
 */
const SITE_TTL_MS = 60_000;

/** Overrides for tests. */
export interface OnUploadOverrides extends FailurePolicyOverrides {
  clients?: AwsClients;
  now?: () => number;
}

/** Raised for a queue message that is not an S3 notification: it fails its record only. */
export class MalformedMessageError extends Error {
  constructor(messageId: string, detail: string) {
    super(`Expected an S3 event notification in message ${messageId} but ${detail}`);
    this.name = 'MalformedMessageError';
  }
}

/**
 * Builds the on-upload SQS handler. Powertools' BatchProcessor runs the records of a batch in
 * parallel and reports only the failed ones in `batchItemFailures`.
 */
export function createOnUploadHandler(config: Config, overrides: OnUploadOverrides = {}) {
  const clients = overrides.clients ?? createAwsClients(config);
  const maxReceiveCount = overrides.maxReceiveCount ?? topology.queues.uploads.maxReceiveCount;
  const logger = createLogger('on-upload', config);
  const deps: OnUploadDeps = {
    config,
    s3: clients.s3,
    events: clients.events,
    sites: new JobSiteCache(new JobRepository(clients.dynamo, config.tableName), SITE_TTL_MS),
    photos: new PhotoRepository(clients.dynamo, config.tableName),
    transitions: new PhotoTransitions(clients.dynamo, config.tableName),
    refusals: new RefusedReplacements(clients.dynamo, config.tableName),
    logger,
    now: overrides.now ?? Date.now,
  };
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      throw new MalformedMessageError(record.messageId, 'the body is not JSON');
    }
    const parsed = s3NotificationBody.safeParse(body);
    if (!parsed.success)
      throw new MalformedMessageError(record.messageId, parsed.error.issues[0]?.message ?? '');
    if (!('Records' in parsed.data)) {
      logger.info('s3:TestEvent acknowledged');
      return;
    }
    const last = isLastAttempt(record, maxReceiveCount);
    for (const s3Record of parsed.data.Records) await processS3Record(s3Record, deps, last);
  };

  // On the last delivery the photo is marked `failed` with the reason (processS3Record does it for
  // the faults it sees; this covers a record that failed before it got there).
  const onGiveUp = async (record: SQSRecord, reason: string) => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      return; // Not JSON: it names no photo.
    }
    const parsed = s3NotificationBody.safeParse(body);
    if (!parsed.success || !('Records' in parsed.data)) return;
    for (const r of parsed.data.Records) {
      const key = decodeS3Key(r.s3.object.key);
      const parts = parsePhotoKey(key);
      if (!parts) continue;
      const target = {
        jobId: parts.jobId,
        photoId: parts.photoId,
        key,
        sequencer: normalizeSequencer(r.s3.object.sequencer),
      };
      await deps.transitions.verdict(
        target,
        'failed',
        'processing_failed',
        `The upload could not be checked: ${reason}`,
      );
    }
  };

  return sqsBatchHandler(
    recordHandler,
    logger,
    queueFailurePolicy('uploads', config, clients, overrides, onGiveUp),
  );
}
