/** Counts of one queue, as `GET /ops/status` shows them. */
export interface QueueStats {
  visible: number;
  inFlight: number;
  /** Age of the oldest message in seconds, 0 when empty, null when it cannot be read without harm. */
  oldestAgeSeconds: number | null;
}

/** A message as a DLQ browse sees it: reading it does not consume it. */
export interface PeekedQueueMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  sentTimestamp: number;
  /** Why its last delivery failed, when the queue itself keeps that (the local store does). */
  lastError?: string;
}

/** What a redrive started: locally the messages moved at once; on AWS a message move task. */
export type RedriveResult = { moved: number } | { taskId: string; status: string };

/**
 * Queue administration for ops, one interface with two implementations: SQS (`SqsQueueAdmin`)
 * and the local runtime's queues (`local/queue/queue-admin.ts`). Queues are named by their
 * physical names (the topology's `name` / `dlqName`).
 */
export interface QueueAdmin {
  /** Counts; `oldest` asks for the oldest message's age too (a DLQ peek on SQS). */
  stats(queue: string, options: { oldest: boolean }): Promise<QueueStats>;
  /** Up to `limit` messages, without consuming them. */
  peek(queue: string, limit: number): Promise<PeekedQueueMessage[]>;
  /** Moves a DLQ's messages back to the queue each came from. */
  redrive(deadLetterQueue: string): Promise<RedriveResult>;
  /** Sends a message (reconcile re-enqueues S3 events this way). */
  send(queue: string, body: string): Promise<void>;
}
