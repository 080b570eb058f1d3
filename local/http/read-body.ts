import type { IncomingMessage } from 'node:http';
import { AwsAuthError } from '../auth/verify-request.ts';

/** A whole request or response body; a request over `maxBytes` is refused with 413 before it is all read. */
export function readBody(stream: IncomingMessage, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        stream.destroy();
        reject(new AwsAuthError('RequestEntityTooLarge', `Expected at most ${maxBytes} bytes`, 413));
        return;
      }
      chunks.push(c);
    });
    stream.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
