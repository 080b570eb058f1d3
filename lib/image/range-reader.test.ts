import { describe, expect, it } from 'vitest';
import { bufferReader, countingReader } from './range-reader.ts';

const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);

describe('bufferReader', () => {
  it('returns the inclusive range', async () => {
    const read = bufferReader(bytes);
    expect(Array.from(await read(10, 12))).toEqual([10, 11, 12]);
  });

  it('returns fewer bytes at EOF and none past it', async () => {
    const read = bufferReader(bytes);
    expect(Array.from(await read(98, 200))).toEqual([98, 99]);
    expect((await read(150, 160)).length).toBe(0);
  });

  it('refuses ranges that are not integers', async () => {
    await expect(bufferReader(bytes)(-1, 3)).rejects.toThrow('Expected a range of non-negative integers');
  });
});

describe('countingReader', () => {
  it('counts requests and the bytes actually returned', async () => {
    // Prepare
    const { read, stats } = countingReader(bufferReader(bytes));
    // Act
    await read(0, 9);
    await read(95, 199);
    // Assess
    expect(stats).toEqual({ requests: 2, bytes: 15 });
  });
});
