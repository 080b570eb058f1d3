import type { SQSRecord } from 'aws-lambda';
import { type AwsClients, createAwsClients } from '../../lib/aws/clients.ts';
import type { Config } from '../../lib/config/config.ts';
import { isLastAttempt } from '../../lib/events/attempts.ts';
import { sqsBatchHandler } from '../../lib/events/batch-handler.ts';
import { eventEnvelope, photoReceivedDetail } from '../../lib/events/domain-events.ts';
import { configureSharp } from '../../lib/image/thumbnails.ts';
import { createLogger } from '../../lib/log/logger.ts';
import { PhotoTransitions } from '../../lib/repo/photo-transitions.ts';
import { PhotoRepository } from '../../lib/repo/photos.ts';
import { topology } from '../../lib/topology/topology.ts';
import { processPhotoReceived, type ThumbnailDeps } from './process-record.ts';

/** Overrides for tests. */
export interface ThumbnailOverrides {
  /** The queue's maxReceiveCount, when the runtime uses another topology (tests). */
  maxReceiveCount?: number;
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
  const maxReceiveCount = overrides.maxReceiveCount ?? topology.queues.thumbnails.maxReceiveCount;
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
    const { detail } = parsed.data;
    try {
      await processPhotoReceived(detail, deps);
    } catch (error) {
      if (isLastAttempt(record, maxReceiveCount)) {
        const reason = `Thumbnails could not be made: ${error instanceof Error ? error.message : String(error)}`;
        await deps.transitions
          .verdict(
            { jobId: detail.job_id, photoId: detail.photo_id, key: detail.key, sequencer: detail.sequencer },
            'failed',
            'processing_failed',
            reason,
          )
          .catch(() => undefined);
      }
      throw error;
    }
  };

  return sqsBatchHandler(recordHandler, logger);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
