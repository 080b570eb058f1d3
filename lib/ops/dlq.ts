import type { FailureRecords } from '../repo/failures.ts';
import type { QueueSpec } from '../topology/types.ts';
import { photoOfMessage } from './message-photo.ts';
import type { QueueAdmin } from './queue-admin.ts';

/** One dead letter as `GET /ops/dlq/{queue}` answers it. */
export interface DlqEntry {
  message_id: string;
  photo_id: string | null;
  job_id: string | null;
  receive_count: number;
  reason: string | null;
  failed_at: string | null;
}

/**
 * Lists a queue's dead letters without consuming them, each joined with the reason its last
 * delivery failed: the failure record the consumer kept (keyed by queue and message id, which a
 * dead-lettered message keeps), else what the queue itself noted.
 */
export async function browseDlq(
  queue: QueueSpec,
  deps: { admin: QueueAdmin; failures: FailureRecords },
  limit = 100,
): Promise<{ queue: string; messages: DlqEntry[] }> {
  const peeked = await deps.admin.peek(queue.dlqName, limit);
  const records = await deps.failures.get(
    queue.name,
    peeked.map((m) => m.messageId),
  );
  return {
    queue: queue.id,
    messages: peeked.map((m) => {
      const record = records.get(m.messageId);
      const photo = photoOfMessage(m.body);
      return {
        message_id: m.messageId,
        photo_id: photo.photoId,
        job_id: photo.jobId,
        // The consumer's count: a peek on SQS is a receive too and would inflate the queue's.
        receive_count: record?.receiveCount ?? m.receiveCount,
        reason: record?.reason ?? m.lastError ?? null,
        failed_at: record?.failedAt ?? null,
      };
    }),
  };
}
