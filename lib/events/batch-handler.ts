import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * Wraps a record handler into an SQS Lambda handler: Powertools' BatchProcessor runs the records
 * in parallel and reports only the failed ones in `batchItemFailures`; a batch whose records all
 * fail is reported the same way instead of throwing.
 */
export function sqsBatchHandler(recordHandler: (record: SQSRecord) => Promise<void>, logger: Logger) {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
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
