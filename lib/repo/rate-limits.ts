import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TakeBatcher } from './take-batcher.ts';

/** The outcome of taking one unit of a caller's budget. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const WINDOW_MS = 60_000;
/** How far into a minute the previous one counts as final (NTP-synced clocks differ by far less). */
const SETTLED_AFTER_MS = 5_000;
/** Callers whose settled previous minute is kept; past that the cache starts over. */
const MAX_SETTLED = 10_000;

/**
 * How many units the current minute may still give under a sliding window of one minute,
 * estimated from the previous minute's count weighted by how much of it the window still
 * covers (rounded up, so a full minute just before a boundary is still felt just after it).
 */
export function slidingAllowance(
  limit: number,
  previous: number,
  current: number,
  elapsedMs: number,
): number {
  const carried = Math.ceil(previous * (1 - elapsedMs / WINDOW_MS));
  return Math.max(0, limit - carried - current);
}

/** Seconds until the sliding window lets one more unit through (at least 1). */
export function slidingRetryAfter(
  limit: number,
  previous: number,
  current: number,
  elapsedMs: number,
): number {
  let waitMs: number;
  if (current < limit) {
    // Within this minute, once the previous minute's weight has fallen enough.
    const weight = (limit - current - 1) / Math.max(previous, 1);
    waitMs = WINDOW_MS * (1 - weight) - elapsedMs;
  } else {
    // Next minute, once this (full) minute's weight has fallen enough.
    waitMs = WINDOW_MS - elapsedMs + WINDOW_MS * (1 - (limit - 1) / current);
  }
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/**
 * A per-caller budget over a sliding minute, kept in the table so every Lambda instance (and
 * the local runtime) shares it: one counter item per minute; a take reads the previous minute
 * and adds to the current one only while the weighted sum stays under the limit (a conditional
 * write, so concurrent instances never overshoot). A fixed window would let twice the budget
 * through across a minute boundary. Window items expire through the table's TTL.
 */
export class RateLimiter {
  /**
   * The previous minute's count per counter, once it is settled: a minute takes no more writes
   * after it ends (a writer picks the minute from its own clock), so read `SETTLED_AFTER_MS` into
   * the next minute it is final and one read a minute per caller is enough, not one per request.
   */
  readonly #settled = new Map<string, { minute: number; used: number }>();
  /** Concurrent takes of one caller's minute go out as one write (see TakeBatcher). */
  readonly #takes = new TakeBatcher<number>((counter, allowances) => this.#add(counter, allowances));

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one unit from `subject`'s budget of `perMinute` over the last minute. */
  async take(subject: string, action: string, perMinute: number): Promise<RateDecision> {
    const nowMs = this.now();
    const minute = Math.floor(nowMs / WINDOW_MS);
    const elapsedMs = nowMs - minute * WINDOW_MS;
    const pk = `RATE#${action}#${subject}`;
    const previous = await this.#previous(pk, minute - 1, elapsedMs);
    const allowance = slidingAllowance(perMinute, previous, 0, elapsedMs);
    const refuse = async (): Promise<RateDecision> => {
      const current = await this.#used(pk, minute);
      return {
        allowed: false,
        retryAfterSeconds: slidingRetryAfter(perMinute, previous, current, elapsedMs),
      };
    };
    if (allowance <= 0) return refuse();
    const taken = await this.#takes.take(`${pk}\n${minute}`, allowance);
    return taken ? { allowed: true } : refuse();
  }

  /** Adds `allowances.length` units to a minute's count if all of them fit under the smallest allowance. */
  async #add(counter: string, allowances: number[]): Promise<boolean> {
    const [pk, minute] = counter.split('\n') as [string, string];
    const n = allowances.length;
    const room = Math.min(...allowances) - n;
    if (room < 0) return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk, sk: `MINUTE#${minute}` },
          UpdateExpression: 'ADD used :n SET expiresAt = if_not_exists(expiresAt, :ttl)',
          ConditionExpression: 'attribute_not_exists(used) OR used <= :room',
          ExpressionAttributeValues: { ':n': n, ':room': room, ':ttl': (Number(minute) + 3) * 60 },
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return false;
    }
  }

  async #previous(pk: string, minute: number, elapsedMs: number): Promise<number> {
    const known = this.#settled.get(pk);
    if (known?.minute === minute) return known.used;
    const used = await this.#used(pk, minute);
    // Well past the boundary (clocks agree to well under this): nothing more can land in it.
    if (elapsedMs >= SETTLED_AFTER_MS) {
      if (this.#settled.size >= MAX_SETTLED) this.#settled.clear();
      this.#settled.set(pk, { minute, used });
    }
    return used;
  }

  async #used(pk: string, minute: number): Promise<number> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk, sk: `MINUTE#${minute}` }, ConsistentRead: true }),
    );
    return typeof out.Item?.used === 'number' ? out.Item.used : 0;
  }
}
