import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticated } from './auth.ts';
import { checksumHeader } from './checksums.ts';
import type { RequestContext } from './context.ts';
import { headerValue } from './headers.ts';
import { announceCreated } from './notifications.ts';
import { attributesFromHeaders } from './object-attributes.ts';
import { validateKey } from './object-key.ts';
import { receiveBody } from './receive-body.ts';
import { assertWriteCondition, writeCondition } from './write-conditions.ts';
import { assertHonourableWrite } from './write-options.ts';

/**
 * PutObject: the body is streamed to a temporary file and verified (length, signed SHA-256,
 * Content-MD5, flexible checksum), then committed atomically and announced before answering.
 */
export async function putObject(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  key: string,
  auth: Authenticated,
): Promise<void> {
  validateKey(key);
  const { server, bucket } = ctx;
  assertHonourableWrite((name) => headerValue(req.headers, name), Object.keys(req.headers));
  const condition = writeCondition(req.headers, 'put');
  // Refused before a byte is read when it already fails; checked again under the lock at commit.
  assertWriteCondition(condition, server.store.head(bucket.name, key), key);
  const body = await receiveBody(req, auth.payloadHash, server.store);
  let object: Awaited<ReturnType<typeof server.store.commit>>;
  try {
    object = await server.store.commit(
      bucket.name,
      key,
      body,
      {
        ...attributesFromHeaders(req.headers),
        // As stored: without the aws-chunked transfer coding the body arrived in.
        contentEncoding: body.contentEncoding,
        checksum: body.checksum,
      },
      (current) => assertWriteCondition(condition, current, key),
    );
  } catch (error) {
    await server.store.discard(body.path);
    throw error;
  }
  await announceCreated(ctx, 'ObjectCreated:Put', object, auth.accessKeyId);
  res.setHeader('ETag', `"${object.etag}"`);
  if (object.checksum) res.setHeader(checksumHeader(object.checksum.algorithm), object.checksum.value);
  res.writeHead(200, { 'Content-Length': 0 });
  res.end();
}
