import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticated } from './auth.ts';
import { checksumHeader } from './checksums.ts';
import type { RequestContext } from './context.ts';
import { notImplemented } from './errors.ts';
import { headerValue } from './headers.ts';
import { notifyObjectCreated } from './notifications.ts';
import { validateKey } from './object-key.ts';
import type { ObjectAttributes } from './object-store.ts';
import { type ReceivedBody, receiveBody } from './receive-body.ts';

function attributesFrom(req: IncomingMessage, body: ReceivedBody): ObjectAttributes {
  const metadata: Record<string, string> = {};
  for (const name of Object.keys(req.headers)) {
    const value = headerValue(req.headers, name);
    if (name.startsWith('x-amz-meta-') && value !== undefined)
      metadata[name.slice('x-amz-meta-'.length)] = value;
  }
  return {
    // S3's type for an object stored without one.
    contentType: headerValue(req.headers, 'content-type') ?? 'binary/octet-stream',
    cacheControl: headerValue(req.headers, 'cache-control'),
    contentDisposition: headerValue(req.headers, 'content-disposition'),
    contentEncoding: body.contentEncoding,
    contentLanguage: headerValue(req.headers, 'content-language'),
    metadata,
    checksum: body.checksum,
  };
}

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
  if (req.headers['x-amz-copy-source'] !== undefined) throw notImplemented('CopyObject');
  validateKey(key);
  const { server, bucket } = ctx;
  const body = await receiveBody(req, auth.payloadHash, server.store);
  let object: Awaited<ReturnType<typeof server.store.commit>>;
  try {
    object = await server.store.commit(bucket.name, key, body, attributesFrom(req, body));
  } catch (error) {
    await server.store.discard(body.path);
    throw error;
  }
  await notifyObjectCreated(
    bucket.notifications,
    {
      bucket: bucket.name,
      region: server.region,
      eventName: 'ObjectCreated:Put',
      object,
      accessKeyId: auth.accessKeyId,
      sourceIp: ctx.sourceIp,
      requestId: ctx.requestId,
      hostId: ctx.hostId,
      eventTime: object.lastModified,
    },
    server.log,
  );
  res.setHeader('ETag', `"${object.etag}"`);
  if (object.checksum) res.setHeader(checksumHeader(object.checksum.algorithm), object.checksum.value);
  res.writeHead(200, { 'Content-Length': 0 });
  res.end();
}
