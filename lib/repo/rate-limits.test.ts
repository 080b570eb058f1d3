import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useLocalDynamo } from '../../test/helpers/local-dynamo.ts';
import { RateLimiter, slidingAllowance, slidingRetryAfter } from './rate-limits.ts';

const local = useLocalDynamo('rates');

async function takeMany(limiter: RateLimiter, subject: string, n: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < n; i++) if ((await limiter.take(subject, 'upload-url', 30)).allowed) allowed++;
  return allowed;
}

describe('RateLimiter: a sliding minute shared through the table (issue 11, finding 5)', () => {
  it('does not let a second budget through across a minute boundary', async () => {
    // Prepare: 30 grants in the last second of a minute.
    let now = Date.UTC(2026, 11, 2, 0, 0, 59, 0);
    const limiter = new RateLimiter(local.db(), 'rates', () => now);
    expect(await takeMany(limiter, 'crew-a', 30)).toBe(30);
    // Act: two seconds later, in the next minute.
    now += 2000;
    const refused = await limiter.take('crew-a', 'upload-url', 30);
    // Assess
    expect(refused.allowed).toBe(false);
    expect(await takeMany(limiter, 'crew-a', 30)).toBeLessThanOrEqual(1);
    // Half a minute on, half the previous minute has slid out of the window.
    now = Date.UTC(2026, 11, 2, 0, 1, 30, 0);
    const later = await takeMany(limiter, 'crew-a', 30);
    expect(later).toBeGreaterThanOrEqual(13);
    expect(later).toBeLessThanOrEqual(16);
  });

  it('shares the budget between instances (two limiters on one table never overshoot)', async () => {
    const now = Date.UTC(2026, 11, 2, 0, 5, 10, 0);
    const a = new RateLimiter(local.db(), 'rates', () => now);
    const b = new RateLimiter(local.db(), 'rates', () => now);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take('crew-b', 'upload-url', 30)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(30);
  });

  it('reads a settled previous minute once, and still counts it in full', async () => {
    // Prepare: 20 grants late in one minute, by another instance.
    let now = Date.UTC(2026, 11, 2, 0, 7, 50, 0);
    const other = new RateLimiter(local.db(), 'rates', () => now);
    expect(await takeMany(other, 'crew-c', 20)).toBe(20);
    let reads = 0;
    const counting = {
      send: (command: { constructor: { name: string } }) => {
        if (command.constructor.name === 'GetCommand') reads++;
        return local.db().send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    // Act: 6 s into the next minute the previous one is settled; 20 × (1 − 0.1) = 18 carried.
    now += 16_000;
    const limiter = new RateLimiter(counting, 'rates', () => now);
    const allowed = await takeMany(limiter, 'crew-c', 20);
    // Assess: 30 − 18 = 12 allowed; one read of the settled minute, then one per refusal (for Retry-After).
    expect(allowed).toBe(12);
    expect(reads).toBe(1 + 8);
  });

  it('says when the next unit will be allowed', () => {
    expect(slidingAllowance(30, 30, 0, 1000)).toBe(0);
    expect(slidingAllowance(30, 30, 0, 2000)).toBe(1);
    expect(slidingAllowance(30, 30, 0, 30_000)).toBe(15);
    // Full previous minute, nothing yet in this one: one slot frees once 1/30 of it slid out.
    expect(slidingRetryAfter(30, 30, 0, 0)).toBe(2);
    // This minute is full: wait for its end, then for 1/30 of it to slide out.
    expect(slidingRetryAfter(30, 0, 30, 50_000)).toBe(12);
  });
});
