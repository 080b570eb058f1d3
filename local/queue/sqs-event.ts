import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { ReceivedMessage } from './types.ts';

/** Where the local queues pretend to live, so ARNs look like the real ones. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** The ARN of a queue in the local account. */
export function queueArn(region: string, queue: string): string {
  return `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${queue}`;
}

/** Builds the `SQSEvent` the Lambda event-source mapping would deliver for these messages. */
export function toSqsEvent(region: string, queue: string, messages: ReceivedMessage[]): SQSEvent {
  return {
    Records: messages.map(
      (m): SQSRecord => ({
        messageId: m.messageId,
        receiptHandle: m.receiptHandle,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentTimestamp),
          SenderId: LOCAL_ACCOUNT_ID,
          ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp),
          ...(m.deadLetterSourceQueue
            ? { DeadLetterQueueSourceArn: queueArn(region, m.deadLetterSourceQueue) }
            : {}),
        },
        messageAttributes: {},
        md5OfBody: m.md5OfBody,
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn(region, queue),
        awsRegion: region,
      }),
    ),
  };
}
