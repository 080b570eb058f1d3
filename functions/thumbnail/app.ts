import type { SQSRecord } from 'aws-lambda';
import { type AwsClients, createAwsClients } from '../../lib/aws/clients.ts';
import type { Config } from '../../lib/config/config.ts';
import { sqsBatchHandler } from '../../lib/events/batch-handler.ts';
import { eventEnvelope, photoReceivedDetail } from '../../lib/events/domain-events.ts';
import { type FailurePolicyOverrides, queueFailurePolicy } from '../../lib/events/queue-failure-policy.ts';
import { configureSharp } from '../../lib/image/thumbnails.ts';
import { createLogger } from '../../lib/log/logger.ts';
import { PhotoTransitions } from '../../lib/repo/photo-transitions.ts';
import { PhotoRepository } from '../../lib/repo/photos.ts';
import { processPhotoReceived, type ThumbnailDeps } from './process-record.ts';

/** Overrides for tests. */
export interface ThumbnailOverrides extends FailurePolicyOverrides {
  clients?: AwsClients;
  now?: () => number;
}

const envelope = eventEnvelope(photoReceivedDetail);

/**
 * Builds the thumbnail SQS handler. The records of a batch (two by default) run in parallel:
 * two photos in flight use both cores. On the last delivery before the DLQ, the photo is marked
 * `failed` with the reason, so ops see why before they redrive.
 */
export function createThumbnailHandler(config: Config, overrides: ThumbnailOverrides = {}) {
  configureSharp({ concurrency: config.images.concurrency });
  const clients = overrides.clients ?? createAwsClients(config);
  const logger = createLogger('thumbnail', config);
  const deps: ThumbnailDeps = {
    config,
    s3: clients.s3,
    events: clients.events,
    photos: new PhotoRepository(clients.dynamo, config.tableName),
    transitions: new PhotoTransitions(clients.dynamo, config.tableName),
    logger,
    now: overrides.now ?? Date.now,
  };
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const parsed = envelope.safeParse(safeJson(record.body));
    if (!parsed.success) {
      throw new Error(
        `Expected a photo.received event in message ${record.messageId}: ${parsed.error.issues[0]?.message}`,
      );
    }
    await processPhotoReceived(parsed.data.detail, deps);
  };
  // On the last delivery before the DLQ the photo is marked `failed` with the reason.
  const onGiveUp = async (record: SQSRecord, reason: string) => {
    const parsed = envelope.safeParse(safeJson(record.body));
    if (!parsed.success) return;
    const { detail } = parsed.data;
    await deps.transitions.verdict(
      { jobId: detail.job_id, photoId: detail.photo_id, key: detail.key, sequencer: detail.sequencer },
      'failed',
      'processing_failed',
      `Thumbnails could not be made: ${reason}`,
    );
  };

  return sqsBatchHandler(
    recordHandler,
    logger,
    queueFailurePolicy('thumbnails', config, clients, overrides, onGiveUp),
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
