/** How a queue behaves: SQS's attributes that matter for delivery. */
export interface QueueDefinition {
  name: string;
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  /** When set, a message received more than `maxReceiveCount` times moves to `deadLetterQueue`. */
  redrive?: { deadLetterQueue: string; maxReceiveCount: number };
}

/** A message as handed to a consumer. */
export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  receiveCount: number;
  sentTimestamp: number;
  firstReceiveTimestamp: number;
  /** Set on messages that were dead-lettered: the queue they came from. */
  deadLetterSourceQueue?: string;
}

/** A message as ops see it in a DLQ: never changes its visibility. */
export interface PeekedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  sentTimestamp: number;
  deadLetterSourceQueue?: string;
  lastError?: string;
}

/** Approximate counts, as SQS's `ApproximateNumberOfMessages*` attributes. */
export interface QueueCounts {
  visible: number;
  inFlight: number;
  delayed: number;
  /** Age in seconds of the oldest message not yet deleted, or 0 when empty. */
  oldestAgeSeconds: number;
}
