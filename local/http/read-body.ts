import type { IncomingMessage } from 'node:http';

/**
 * A whole request or response body. Past `maxBytes` the stream is destroyed and the promise
 * rejects with `tooLarge()` before the rest is read (each endpoint answers in its own shape).
 */
export function readBody(
  stream: IncomingMessage,
  maxBytes = Number.POSITIVE_INFINITY,
  tooLarge: (maxBytes: number) => Error = (max) => new Error(`Expected a body of at most ${max} bytes`),
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        stream.destroy();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(c);
    });
    stream.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
