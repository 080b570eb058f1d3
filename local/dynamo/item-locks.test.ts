import { describe, expect, it } from 'vitest';
import { ItemLocks } from './item-locks.ts';

/** A promise the test settles by hand: a holder that stays inside its lock until released. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('ItemLocks', () => {
  it('lets a holder of another item run while the first is still held', async () => {
    // Prepare
    const locks = new ItemLocks();
    const a = gate();
    const log: string[] = [];
    const first = locks.run(['A'], async () => {
      log.push('A in');
      await a.opened;
      log.push('A out');
    });
    // Act
    await locks.run(['B'], async () => {
      log.push('B');
    });
    // Assess
    expect(log).toEqual(['A in', 'B']);
    a.open();
    await first;
    expect(log).toEqual(['A in', 'B', 'A out']);
    expect(locks.size).toBe(0);
  });

  it('runs holders of one item one after the other, in the order they came', async () => {
    const locks = new ItemLocks();
    const a = gate();
    const log: string[] = [];
    const first = locks.run(['A'], async () => {
      log.push('1 in');
      await a.opened;
      log.push('1 out');
    });
    const second = locks.run(['B', 'A'], async () => {
      log.push('2');
    });
    const third = locks.run(['A'], async () => {
      log.push('3');
    });
    await Promise.resolve();
    expect(log).toEqual(['1 in']);
    a.open();
    await Promise.all([first, second, third]);
    expect(log).toEqual(['1 in', '1 out', '2', '3']);
  });

  it('never deadlocks two holders that name the same items in opposite orders', async () => {
    const locks = new ItemLocks();
    let inside = 0;
    let most = 0;
    const hold = (keys: string[]) =>
      locks.run(keys, async () => {
        inside++;
        most = Math.max(most, inside);
        await new Promise((resolve) => setImmediate(resolve));
        inside--;
      });
    await Promise.all(Array.from({ length: 50 }, (_, i) => hold(i % 2 ? ['A', 'B'] : ['B', 'A'])));
    expect(most).toBe(1);
    expect(locks.size).toBe(0);
  });

  it('releases the items of a holder that throws', async () => {
    const locks = new ItemLocks();
    await expect(
      locks.run(['A'], async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(locks.run(['A'], async () => 'next')).resolves.toBe('next');
  });
});
