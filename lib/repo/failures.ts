import { BatchGetCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableDefinition } from '../topology/table.ts';

/** Why the last delivery of one queue message failed, as ops read it beside the DLQ message. */
export interface FailureRecord {
  /** The queue's physical name (the message id is unique within it). */
  queue: string;
  messageId: string;
  reason: string;
  receiveCount: number;
  failedAt: string;
}

/** Partition key of the failure records of one queue. */
export const failurePk = (queue: string) => `FAILURE#${queue}`;

/** Sort key of the failure record of one message. */
export const failureSk = (messageId: string) => `MSG#${messageId}`;

/**
 * Keeps the real cause of each failed delivery in the table, keyed by queue and message id. SQS
 * keeps a message's id when it dead-letters it, so the DLQ browse joins the record by id, on AWS
 * and locally alike. Records expire (TTL) with the DLQ's retention.
 */
export class FailureRecords {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly ttlSeconds = 14 * 24 * 3600,
  ) {}

  /** Records (or replaces) the failure of one delivery: the latest reason wins. */
  async put(record: FailureRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: failurePk(record.queue),
          sk: failureSk(record.messageId),
          type: 'failure',
          ...record,
          reason: record.reason.slice(0, 2000),
          [tableDefinition.ttlAttribute]: Math.floor(Date.parse(record.failedAt) / 1000) + this.ttlSeconds,
        },
      }),
    );
  }

  /** The records of these messages of one queue, by message id (absent ids have none). */
  async get(queue: string, messageIds: string[]): Promise<Map<string, FailureRecord>> {
    const found = new Map<string, FailureRecord>();
    const unique = [...new Set(messageIds)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique
        .slice(i, i + 100)
        .map((id) => ({ pk: failurePk(queue), sk: failureSk(id) }));
      // BatchGet may leave keys unprocessed under load: ask again for those.
      for (let round = 0; keys && keys.length > 0 && round < 5; round++) {
        const out = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[this.table] ?? []) {
          const r = item as FailureRecord;
          found.set(r.messageId, {
            queue: r.queue,
            messageId: r.messageId,
            reason: r.reason,
            receiveCount: r.receiveCount,
            failedAt: r.failedAt,
          });
        }
        keys = out.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
  }
}
