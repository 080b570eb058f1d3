import { describe, expect, it } from 'vitest';
import { TakeBatcher } from './take-batcher.ts';

/** A counter with a ceiling, written like the conditional ADD: all of a batch or none. */
function counter(limit: number) {
  const writes: number[] = [];
  let used = 0;
  const write = async (_key: string, params: unknown[]) => {
    writes.push(params.length);
    await new Promise((r) => setTimeout(r, 2));
    if (used + params.length > limit) return false;
    used += params.length;
    return true;
  };
  return { writes, write, used: () => used };
}

describe('TakeBatcher', () => {
  it('writes a lone take at once, and the takes that arrive meanwhile as one write', async () => {
    const c = counter(100);
    const batcher = new TakeBatcher(c.write);
    const taken = await Promise.all(Array.from({ length: 32 }, () => batcher.take('k', 0)));
    expect(taken.every(Boolean)).toBe(true);
    expect(c.used()).toBe(32);
    // The first went alone; the other 31 were queued behind it and went out together.
    expect(c.writes).toEqual([1, 31]);
    expect(await batcher.take('k', 0)).toBe(true);
    expect(c.writes).toEqual([1, 31, 1]);
  });

  it('never passes the limit: a batch that does not fit is taken one at a time', async () => {
    const c = counter(10);
    const batcher = new TakeBatcher(c.write);
    const taken = await Promise.all(Array.from({ length: 16 }, () => batcher.take('k', 0)));
    expect(taken.filter(Boolean)).toHaveLength(10);
    expect(c.used()).toBe(10);
    // 1 alone, the batch of 15 refused, then one at a time: 9 granted, 6 refused.
    expect(c.writes.slice(0, 2)).toEqual([1, 15]);
  });

  it('keeps counters apart and passes each take its parameter', async () => {
    const seen: Array<[string, number[]]> = [];
    const batcher = new TakeBatcher<number>(async (key, params) => {
      seen.push([key, params]);
      await new Promise((r) => setTimeout(r, 1));
      return true;
    });
    await Promise.all([
      batcher.take('a', 1),
      batcher.take('b', 2),
      batcher.take('a', 3),
      batcher.take('a', 4),
    ]);
    expect(seen).toEqual([
      ['a', [1]],
      ['b', [2]],
      ['a', [3, 4]],
    ]);
  });

  it('fails the takes of a write that throws, and the next take writes again', async () => {
    let fail = true;
    const batcher = new TakeBatcher(async () => {
      await new Promise((r) => setTimeout(r, 1));
      if (fail) throw new Error('throttled');
      return true;
    });
    const results = await Promise.allSettled([batcher.take('k', 0), batcher.take('k', 0)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batcher.take('k', 0)).toBe(true);
  });
});
