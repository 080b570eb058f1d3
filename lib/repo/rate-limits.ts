import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** The outcome of taking one unit of a caller's budget. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A fixed-window per-minute budget per caller, kept in the table so every Lambda instance (and
 * the local runtime) shares it. Window items expire through the table's TTL.
 */
export class RateLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one unit from `subject`'s budget of `perMinute` for the current minute. */
  async take(subject: string, action: string, perMinute: number): Promise<RateDecision> {
    const nowMs = this.now();
    const minute = Math.floor(nowMs / 60_000);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `RATE#${action}#${subject}`, sk: `MINUTE#${minute}` },
          UpdateExpression: 'ADD used :one SET expiresAt = if_not_exists(expiresAt, :ttl)',
          ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': perMinute, ':ttl': (minute + 2) * 60 },
        }),
      );
      return { allowed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil(((minute + 1) * 60_000 - nowMs) / 1000)),
      };
    }
  }
}
