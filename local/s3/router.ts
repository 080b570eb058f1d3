import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from './auth.ts';
import type { RequestContext, ServerContext } from './context.ts';
import { copyObject } from './copy-object.ts';
import { corsHeaders, preflight } from './cors.ts';
import { noSuchBucket, notImplemented, S3Error, toS3Error } from './errors.ts';
import { getObject } from './get-object.ts';
import { newHostId, newRequestId } from './ids.ts';
import { MAX_DRAINED_BYTES } from './io-chunk.ts';
import { listObjectsV2 } from './list.ts';
import { postObject } from './post-object.ts';
import { putObject } from './put-object.ts';
import { hasQuery, parseTarget, queryValue, type RequestTarget } from './request-target.ts';
import { assertWriteCondition, writeCondition } from './write-conditions.ts';
import { assertHonourableReadOrDelete } from './write-options.ts';
import { errorXml } from './xml.ts';

/** Sub-resources of S3 this endpoint does not serve; a request naming one is not a plain object call. */
const UNSUPPORTED_SUBRESOURCES = [
  'accelerate',
  'acl',
  'analytics',
  'attributes',
  'cors',
  'delete',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'location',
  'logging',
  'metadataConfiguration',
  'metadataTable',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'partNumber',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'renameObject',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'select-type',
  'session',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
];

function methodNotAllowed(method: string, onObject: boolean): S3Error {
  return new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, {
    Method: method,
    ResourceType: onObject ? 'OBJECT' : 'BUCKET',
  });
}

function sourceIp(req: IncomingMessage): string {
  // IPv4 clients of a dual-stack socket appear as IPv4-mapped IPv6 addresses.
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

async function routeBucket(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  target: RequestTarget,
) {
  const method = req.method ?? '';
  if (method === 'HEAD') {
    res.writeHead(200, { 'x-amz-bucket-region': ctx.server.region, 'Content-Length': 0 });
    res.end();
    return;
  }
  if (method !== 'GET') throw methodNotAllowed(method, false);
  if (queryValue(target, 'list-type') !== '2') throw notImplemented('ListObjects (version 1)');
  const body = listObjectsV2(ctx.bucket.name, ctx.server.store.list(ctx.bucket.name), target);
  res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function routeObject(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  target: RequestTarget,
) {
  const method = req.method ?? '';
  assertHonourableReadOrDelete(method, Object.keys(req.headers));
  if (method === 'GET' || method === 'HEAD') return getObject(req, res, ctx, target);
  if (method === 'DELETE') {
    const condition = writeCondition(req.headers, 'delete');
    await ctx.server.store.delete(ctx.bucket.name, target.key, (current) =>
      assertWriteCondition(condition, current, target.key),
    );
    res.writeHead(204);
    res.end();
    return;
  }
  throw methodNotAllowed(method, true);
}

async function route(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, target: RequestTarget) {
  const method = req.method ?? '';
  const onObject = target.key !== '';
  if (method === 'OPTIONS') {
    res.writeHead(200, { ...preflight(ctx.bucket.cors, req.headers, onObject), 'Content-Length': 0 });
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(corsHeaders(ctx.bucket.cors, req.headers, method))) {
    res.setHeader(name, value);
  }
  const subresource = UNSUPPORTED_SUBRESOURCES.find((name) => hasQuery(target, name));
  if (subresource !== undefined) throw notImplemented(`?${subresource}`);
  // Browser form uploads carry their authority in the form, not in the request.
  if (method === 'POST' && !onObject) return postObject(req, res, ctx);
  const auth = await authenticate({ method, headers: req.headers }, target, ctx.server);
  // Only an authenticated request is told to send its body.
  ctx.acceptBody();
  if (!onObject) return routeBucket(req, res, ctx, target);
  if (method === 'PUT') {
    // One method, two operations: S3 tells CopyObject from PutObject by this header alone.
    if (req.headers['x-amz-copy-source'] !== undefined) return copyObject(req, res, ctx, target.key, auth);
    return putObject(req, res, ctx, target.key, auth);
  }
  return routeObject(req, res, ctx, target);
}

function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  error: S3Error,
  ctx: { requestId: string; hostId: string },
) {
  if (res.headersSent) {
    // Mid-body failure: the status is gone, so cut the connection rather than send a short body.
    res.destroy(error);
    return;
  }
  const body = req.method === 'HEAD' ? '' : errorXml(error, ctx.requestId, ctx.hostId);
  // A refused body of a known length no larger than any upload we take is read to its end and
  // dropped (Node does that once the answer is sent), so the client reads the answer instead of
  // losing it to a reset while it is still sending. One that may never end (chunked, or declared
  // larger) is not read on to keep the connection alive: the connection is closed.
  const chunked = req.headers['transfer-encoding'] !== undefined;
  const length = Number(req.headers['content-length'] ?? '0');
  const unread = (chunked || length !== 0) && !req.complete;
  if (unread && (chunked || !(length <= MAX_DRAINED_BYTES))) res.setHeader('Connection', 'close');
  res.writeHead(error.status, {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Serves one request: S3's request id headers and clock, the bucket (path-style), CORS, then
 * the operation; any error becomes S3's XML error answer. 4xx and 5xx answers are logged.
 */
export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  server: ServerContext,
  expectsContinue = false,
): Promise<void> {
  const ids = { requestId: newRequestId(), hostId: newHostId() };
  res.setHeader('x-amz-request-id', ids.requestId);
  res.setHeader('x-amz-id-2', ids.hostId);
  // The server's clock, not the process's: SDKs correct their skew from this header.
  res.setHeader('Date', new Date(server.now()).toUTCString());
  res.setHeader('Server', 'AmazonS3');
  let failure: S3Error | undefined;
  try {
    const target = parseTarget(req.url ?? '/');
    if (target.bucket === '') throw notImplemented('ListBuckets');
    const bucket = server.buckets.get(target.bucket);
    if (!bucket) throw noSuchBucket(target.bucket);
    const host = req.headers.host ?? 'localhost';
    const ctx: RequestContext = {
      server,
      bucket,
      ...ids,
      sourceIp: sourceIp(req),
      baseUrl: `http://${host}`,
      acceptBody: () => {
        if (!expectsContinue || res.headersSent) return;
        expectsContinue = false;
        res.writeContinue();
      },
    };
    await route(req, res, ctx, target);
  } catch (error) {
    failure = toS3Error(error);
    sendError(req, res, failure, ids);
  }
  if (failure) {
    server.log({
      level: failure.status >= 500 ? 'error' : 'warn',
      msg: 's3 request failed',
      requestId: ids.requestId,
      method: req.method,
      url: req.url,
      status: failure.status,
      code: failure.code,
      message: failure.message,
      ...(failure.cause === undefined ? {} : { cause: String(failure.cause) }),
    });
  }
}
