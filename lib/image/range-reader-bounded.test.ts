import { describe, expect, it } from 'vitest';
import { ExifBudgetError, ExifFormatError } from './exif-errors.ts';
import { bufferReader, countingReader } from './range-reader.ts';
import { BoundedSource } from './range-reader-bounded.ts';

const file = Uint8Array.from({ length: 10_000 }, (_, i) => i & 0xff);
const options = { maxRequests: 3, maxBytes: 4096, readAhead: 1024 };

function source(extra: Partial<typeof options> & { head?: Uint8Array } = {}) {
  const counted = countingReader(bufferReader(file));
  return {
    src: new BoundedSource(counted.read, file.length, { ...options, ...extra }),
    stats: counted.stats,
  };
}

describe('BoundedSource', () => {
  it('reads ahead on a miss and serves later requests from the window', async () => {
    const { src, stats } = source();
    expect(Array.from(await src.bytes(0, 4))).toEqual([0, 1, 2, 3]);
    expect(Array.from(await src.bytes(1000, 2))).toEqual([1000 & 0xff, 1001 & 0xff]);
    expect(stats).toEqual({ requests: 1, bytes: 1024 });
    expect(src.stats).toEqual(stats);
  });

  it('reuses the head without counting it and fetches only what the window lacks', async () => {
    const { src, stats } = source({ head: file.subarray(0, 64) });
    expect((await src.bytes(0, 64)).length).toBe(64);
    expect(stats.requests).toBe(0);
    const spanning = await src.bytes(60, 10, 0);
    expect(Array.from(spanning)).toEqual([60, 61, 62, 63, 64, 65, 66, 67, 68, 69]);
    expect(stats).toEqual({ requests: 1, bytes: 6 });
  });

  it('returns fewer bytes at the end of the object', async () => {
    const { src } = source();
    expect((await src.bytes(9_998, 10)).length).toBe(2);
    expect((await src.bytes(20_000, 10)).length).toBe(0);
  });

  it('refuses a fourth read', async () => {
    const { src } = source({ readAhead: 8 });
    await src.bytes(0, 1);
    await src.bytes(2000, 1);
    await src.bytes(4000, 1);
    await expect(src.bytes(6000, 1)).rejects.toBeInstanceOf(ExifBudgetError);
  });

  it('refuses a read beyond the byte budget and clips read-ahead to it', async () => {
    const { src, stats } = source({ readAhead: 3000 });
    await src.bytes(0, 1);
    await src.bytes(5000, 1);
    expect(stats.bytes).toBe(4096);
    await expect(src.bytes(8000, 1)).rejects.toThrow(/Expected EXIF within 3 reads and 4096 bytes/);
  });

  it('refuses nonsense ranges', async () => {
    const { src } = source();
    await expect(src.bytes(-1, 4)).rejects.toBeInstanceOf(ExifFormatError);
    await expect(src.bytes(0, Number.POSITIVE_INFINITY)).rejects.toBeInstanceOf(ExifFormatError);
  });
});
