import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder } from './aws-chunked.ts';

async function decode(parts: string[]): Promise<{ body: string; trailers: Map<string, string> }> {
  const decoder = new AwsChunkedDecoder();
  const body = await buffer(Readable.from(parts.map((p) => Buffer.from(p, 'latin1'))).pipe(decoder));
  return { body: body.toString('latin1'), trailers: decoder.trailers };
}

describe('AwsChunkedDecoder', () => {
  it('decodes the body the SDK sends for a stream, however it is split, and keeps the trailers', async () => {
    // Prepare: what the SDK sent for "hello world" with a CRC32 trailer.
    const wire = '6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n';
    for (const parts of [[wire], wire.split('')]) {
      // Act
      const { body, trailers } = await decode(parts);
      // Assess
      expect(body).toBe('hello world');
      expect(trailers.get('x-amz-checksum-crc32')).toBe('DUoRhQ==');
    }
  });

  it('ignores chunk extensions and accepts no trailer', async () => {
    expect((await decode(['3;chunk-signature=abc\r\nabc\r\n0\r\n\r\n'])).body).toBe('abc');
  });

  it.each([
    ['a body cut short', '6\r\nhello'],
    ['a missing final chunk', '5\r\nhello\r\n'],
    ['a bad size', 'zz\r\nhello\r\n0\r\n\r\n'],
    ['data longer than its size', '2\r\nhello\r\n0\r\n\r\n'],
  ])('refuses %s', async (_name, wire) => {
    await expect(decode([wire])).rejects.toMatchObject({ code: 'IncompleteBody', status: 400 });
  });
});
