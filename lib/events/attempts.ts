import type { SQSRecord } from 'aws-lambda';

/** True when this delivery is the last before the queue dead-letters the message. */
export function isLastAttempt(record: SQSRecord, maxReceiveCount: number): boolean {
  return Number(record.attributes.ApproximateReceiveCount) >= maxReceiveCount;
}
