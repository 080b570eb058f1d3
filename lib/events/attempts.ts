import type { SQSRecord } from 'aws-lambda';

/** How many times this message has been delivered, this delivery included. */
export function receiveCount(record: SQSRecord): number {
  const n = Number(record.attributes.ApproximateReceiveCount);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

/** True when this delivery is the last before the queue dead-letters the message. */
export function isLastAttempt(record: SQSRecord, maxReceiveCount: number): boolean {
  return receiveCount(record) >= maxReceiveCount;
}

/**
 * Seconds a failed record stays hidden before its next try: the `receiveCount`-th value of the
 * topology's backoff (the last one repeats). After the last attempt the message should reach its
 * DLQ at once, so it becomes visible again immediately.
 */
export function backoffSeconds(backoff: readonly number[], count: number, maxReceiveCount: number): number {
  if (count >= maxReceiveCount || backoff.length === 0) return 0;
  return backoff[Math.min(count, backoff.length) - 1] as number;
}

/** The error's own words, as ops should read them ("name: message"). */
export function describeFailure(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

/**
 * The queue URL of an SQS event record, from its `eventSourceARN` (`arn:aws:sqs:region:account:name`):
 * `https://sqs.{region}.amazonaws.com/{account}/{name}` on AWS, `{endpoint}/{account}/{name}` when
 * the client talks to another endpoint (the local runtime's).
 */
export function queueUrlOf(eventSourceArn: string, endpoint?: string): string {
  const parts = eventSourceArn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'sqs') {
    throw new Error(`Expected an SQS queue ARN but received "${eventSourceArn}"`);
  }
  const [, , , region, account, name] = parts;
  const base = endpoint ? endpoint.replace(/\/+$/, '') : `https://sqs.${region}.amazonaws.com`;
  return `${base}/${account}/${name}`;
}

/** The queue name of an SQS event record's `eventSourceARN`. */
export function queueNameOf(eventSourceArn: string): string {
  return eventSourceArn.slice(eventSourceArn.lastIndexOf(':') + 1);
}
