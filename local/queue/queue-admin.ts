import type { PeekedQueueMessage, QueueAdmin, QueueStats, RedriveResult } from '../../lib/ops/queue-admin.ts';
import type { QueueStore } from './queue-store.ts';

/**
 * {@link QueueAdmin} on the local runtime's queues: counts and the oldest age straight from the
 * store, a peek that never changes visibility, and a redrive that moves the messages at once.
 */
export class LocalQueueAdmin implements QueueAdmin {
  constructor(private readonly store: QueueStore) {}

  async stats(queue: string): Promise<QueueStats> {
    const c = this.store.counts(queue);
    return { visible: c.visible, inFlight: c.inFlight, oldestAgeSeconds: c.oldestAgeSeconds };
  }

  async peek(queue: string, limit: number): Promise<PeekedQueueMessage[]> {
    return this.store.peek(queue, limit).map((m) => ({
      messageId: m.messageId,
      body: m.body,
      receiveCount: m.receiveCount,
      sentTimestamp: m.sentTimestamp,
      ...(m.lastError ? { lastError: m.lastError } : {}),
    }));
  }

  async redrive(deadLetterQueue: string): Promise<RedriveResult> {
    return { moved: this.store.redrive(deadLetterQueue) };
  }

  async send(queue: string, body: string): Promise<void> {
    this.store.send(queue, body);
  }
}
