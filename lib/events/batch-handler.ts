import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * Wraps a record handler into an SQS Lambda handler: Powertools' BatchProcessor runs the records
 * in parallel and reports only the failed ones in `batchItemFailures`; a batch whose records all
 * fail is reported the same way instead of throwing.
 */
export function sqsBatchHandler(recordHandler: (record: SQSRecord) => Promise<void>, logger: Logger) {
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // One processor per invocation: it keeps the batch's successes and failures in fields, and the
    // local runtime runs batches of one function concurrently in one process.
    const processor = new BatchProcessor(EventType.SQS);
    const response = await processPartialResponse(event, recordHandler, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
    for (const failure of processor.errors) {
      logger.warn('record failed; it returns to the queue', { error: failure.message, name: failure.name });
    }
    return response;
  };
}
