import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder } from './aws-chunked.ts';

async function decode(
  parts: string[],
  maxBytes = 1024,
): Promise<{ body: string; trailers: Map<string, string> }> {
  const decoder = new AwsChunkedDecoder(maxBytes);
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
    ['data after the final chunk', '5\r\nhello\r\n0\r\n\r\nmore'],
    ['endless trailers', `0\r\n${'x-a: 1\r\n'.repeat(1000)}\r\n`],
  ])('refuses %s', async (_name, wire) => {
    await expect(decode([wire])).rejects.toMatchObject({ code: 'IncompleteBody', status: 400 });
  });

  it.each([
    ['a chunk larger than the declared length', '6\r\nhello \r\n0\r\n\r\n', 6],
    ['chunks adding up past the declared length', '3\r\nhel\r\n3\r\nlo \r\n0\r\n\r\n', 6],
    ['a 16-hex-digit chunk size', 'ffffffffffffffff\r\nhello', 9007199254740991],
  ])("refuses %s with S3's IncompleteBody before passing on its data", async (_name, wire, provided) => {
    // Prepare: a decoder for a body declared 5 bytes long, whose output is watched.
    const decoder = new AwsChunkedDecoder(5);
    const passed: Buffer[] = [];
    decoder.on('data', (chunk: Buffer) => passed.push(chunk));
    // Act
    const failure = new Promise((resolve, reject) => {
      decoder.on('error', reject);
      decoder.on('end', resolve);
    });
    decoder.end(Buffer.from(wire, 'latin1'));
    // Assess
    await expect(failure).rejects.toMatchObject({
      code: 'IncompleteBody',
      status: 400,
      details: { NumberBytesExpected: 5, NumberBytesProvided: provided },
    });
    expect(Buffer.concat(passed).length).toBeLessThanOrEqual(5);
  });
});
