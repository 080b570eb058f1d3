import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FailureRecords } from '../repo/failures.ts';
import {
  backoffSeconds,
  describeFailure,
  isLastAttempt,
  queueNameOf,
  queueUrlOf,
  receiveCount,
} from './attempts.ts';

/** What the wrapper does with a failed record besides reporting it (all optional). */
export interface FailurePolicy {
  /** The queue's maxReceiveCount: the delivery that reaches it is the last before the DLQ. */
  maxReceiveCount: number;
  /** Per-attempt backoff (topology); set on the message with `ChangeMessageVisibility`. */
  backoffSeconds?: readonly number[];
  /** The client that changes visibility, and the endpoint it talks to (for the queue URL). */
  sqs?: { client: SQSClient; endpoint?: string };
  /** Where the failure's reason is kept for ops (joined with the DLQ message by id). */
  failures?: FailureRecords;
  /** Called on the last attempt with the reason: the stage marks its photo `failed`. */
  onGiveUp?: (record: SQSRecord, reason: string) => Promise<void>;
  /** Told every failure's reason (the local runtime keeps it as the message's last error). */
  onFailure?: (record: SQSRecord, reason: string) => void;
  /** Runs before each record (the local runtime's fault injection hooks in here). */
  beforeRecord?: (record: SQSRecord) => void | Promise<void>;
  now?: () => number;
}

/**
 * Wraps a record handler into an SQS Lambda handler: Powertools' BatchProcessor runs the records
 * in parallel and reports only the failed ones in `batchItemFailures`; a batch whose records all
 * fail is reported the same way instead of throwing. A failed record's reason is kept, the stage
 * gives up on its last attempt, and the record comes back after the topology's backoff, not after
 * the whole visibility timeout.
 */
export function sqsBatchHandler(
  recordHandler: (record: SQSRecord) => Promise<void>,
  logger: Logger,
  policy?: FailurePolicy,
) {
  const handle = async (record: SQSRecord): Promise<void> => {
    try {
      await policy?.beforeRecord?.(record);
      await recordHandler(record);
    } catch (error) {
      if (policy) await afterFailure(record, describeFailure(error), policy, logger);
      throw error;
    }
  };
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // One processor per invocation: it keeps the batch's successes and failures in fields, and the
    // local runtime runs batches of one function concurrently in one process.
    const processor = new BatchProcessor(EventType.SQS);
    const response = await processPartialResponse(event, handle, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
    for (const failure of processor.errors) {
      logger.warn('record failed; it returns to the queue', { error: failure.message, name: failure.name });
    }
    return response;
  };
}

/** Keeps the reason, gives up on the last attempt, sets the backoff; none of it may fail the record twice. */
async function afterFailure(record: SQSRecord, reason: string, policy: FailurePolicy, logger: Logger) {
  const count = receiveCount(record);
  const last = isLastAttempt(record, policy.maxReceiveCount);
  const queue = queueNameOf(record.eventSourceARN);
  const note = (what: string) => (error: unknown) =>
    logger.error(`could not ${what}`, { message_id: record.messageId, queue, error: describeFailure(error) });
  // A stale handle means the visibility timeout already passed: the record is back anyway.
  const noteBackoff = (error: unknown) =>
    logger.warn('could not set the retry backoff', {
      message_id: record.messageId,
      queue,
      error: describeFailure(error),
    });
  try {
    policy.onFailure?.(record, reason);
  } catch (error) {
    note('note the failure reason')(error);
  }
  await Promise.all([
    policy.failures
      ?.put({
        queue,
        messageId: record.messageId,
        reason,
        receiveCount: count,
        failedAt: new Date((policy.now ?? Date.now)()).toISOString(),
      })
      .catch(note('keep the failure reason')),
    last ? policy.onGiveUp?.(record, reason).catch(note('mark the photo failed')) : undefined,
  ]);
  if (policy.sqs && policy.backoffSeconds) {
    const seconds = backoffSeconds(policy.backoffSeconds, count, policy.maxReceiveCount);
    await policy.sqs.client
      .send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrlOf(record.eventSourceARN, policy.sqs.endpoint),
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: seconds,
        }),
      )
      // Without it the record still comes back, only after the queue's visibility timeout.
      .catch(noteBackoff);
  }
  logger.warn('record failed', {
    message_id: record.messageId,
    queue,
    receive_count: count,
    last_attempt: last,
    reason,
  });
}
