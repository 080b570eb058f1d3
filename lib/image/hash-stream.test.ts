import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readAllHashed } from './hash-stream.ts';
import { ImageRejectedError } from './image-errors.ts';

/** An async source of `count` chunks that records how many were pulled and whether it was closed. */
function chunks(data: Buffer, size: number) {
  const state = { pulled: 0, closed: false };
  async function* generate() {
    try {
      for (let at = 0; at < data.length; at += size) {
        state.pulled += 1;
        yield new Uint8Array(data.subarray(at, at + size));
      }
    } finally {
      state.closed = true;
    }
  }
  return { stream: generate(), state };
}

describe('readAllHashed', () => {
  it('returns the bytes and the SHA-256 of the whole stream from one pass', async () => {
    // Prepare
    const data = randomBytes(100_000);
    const { stream, state } = chunks(data, 4096);
    // Act
    const result = await readAllHashed(stream, 1_000_000);
    // Assess
    expect(result.bytes).toBe(data.length);
    expect(result.buffer.equals(data)).toBe(true);
    expect(result.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect(state.pulled).toBe(Math.ceil(data.length / 4096));
  });

  it('accepts a Node stream and a body of exactly maxBytes', async () => {
    // Prepare
    const data = randomBytes(5000);
    // Act
    const result = await readAllHashed(Readable.from([data.subarray(0, 1234), data.subarray(1234)]), 5000);
    // Assess
    expect(result.sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('hashes an empty body', async () => {
    // Act
    const result = await readAllHashed(Readable.from([]), 10);
    // Assess
    expect(result).toMatchObject({ bytes: 0, sha256: createHash('sha256').digest('hex') });
  });

  it('stops at the first chunk past maxBytes, closes the stream and rejects as too_large', async () => {
    // Prepare: 10 chunks of 1000 bytes against a 2500-byte limit.
    const { stream, state } = chunks(randomBytes(10_000), 1000);
    // Act
    const error = await readAllHashed(stream, 2500).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(ImageRejectedError);
    expect(error).toMatchObject({ name: 'ImageRejectedError', reason: 'too_large' });
    expect((error as Error).message).toBe('The file is larger than 2.4 KB, the largest upload allowed.');
    expect(state.pulled).toBe(3);
    expect(state.closed).toBe(true);
  });

  it('destroys a Node stream it gives up on', async () => {
    // Prepare
    const stream = Readable.from(
      (function* () {
        for (;;) yield Buffer.alloc(64 * 1024);
      })(),
    );
    // Act
    await expect(readAllHashed(stream, 1024 * 1024)).rejects.toMatchObject({ reason: 'too_large' });
    // Assess
    expect(stream.destroyed).toBe(true);
  });

  it('refuses a limit that is not a byte count', async () => {
    await expect(readAllHashed(Readable.from([]), -1)).rejects.toThrow(
      'Expected a non-negative integer for maxBytes but received -1',
    );
  });
});
