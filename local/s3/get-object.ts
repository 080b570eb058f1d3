import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { checksumHeader } from './checksums.ts';
import type { RequestContext } from './context.ts';
import { noSuchKey, S3Error } from './errors.ts';
import { IO_CHUNK_BYTES } from './io-chunk.ts';
import type { StoredObject } from './object-store.ts';
import { evaluatePreconditions } from './preconditions.ts';
import { resolveRange } from './range.ts';
import { queryValue, type RequestTarget } from './request-target.ts';

/** `response-*` query parameters override the stored headers on a signed GET, as S3 allows. */
const OVERRIDES: ReadonlyArray<[param: string, header: string]> = [
  ['response-cache-control', 'Cache-Control'],
  ['response-content-disposition', 'Content-Disposition'],
  ['response-content-encoding', 'Content-Encoding'],
  ['response-content-language', 'Content-Language'],
  ['response-content-type', 'Content-Type'],
  ['response-expires', 'Expires'],
];

/** Header values must be visible ASCII; S3 sends other metadata as an RFC 2047 encoded-word. */
function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value)
    ? value
    : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function objectHeaders(object: StoredObject, target: RequestTarget): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'Last-Modified': new Date(object.lastModified).toUTCString(),
    ETag: `"${object.etag}"`,
    'Content-Type': object.contentType,
    'Accept-Ranges': 'bytes',
  };
  if (object.cacheControl !== undefined) headers['Cache-Control'] = object.cacheControl;
  if (object.contentDisposition !== undefined) headers['Content-Disposition'] = object.contentDisposition;
  if (object.contentEncoding !== undefined) headers['Content-Encoding'] = object.contentEncoding;
  if (object.contentLanguage !== undefined) headers['Content-Language'] = object.contentLanguage;
  for (const [name, value] of Object.entries(object.metadata))
    headers[`x-amz-meta-${name}`] = headerSafe(value);
  for (const [param, name] of OVERRIDES) {
    const value = queryValue(target, param);
    if (value !== undefined) headers[name] = headerSafe(value);
  }
  return headers;
}

/**
 * GetObject and HeadObject: the stored headers, conditional requests (304/412), single byte
 * ranges (206, or 416 InvalidRange) and the stored checksum when the client asks for it.
 * The bytes come from the data file opened with the metadata, so a concurrent overwrite
 * cannot mix two versions.
 */
export async function getObject(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  target: RequestTarget,
): Promise<void> {
  const opened = await ctx.server.store.open(ctx.bucket.name, target.key);
  if (!opened) throw noSuchKey(target.key);
  const { object, handle } = opened;
  try {
    const headers = objectHeaders(object, target);
    const precondition = evaluatePreconditions(req.headers, object.etag, object.lastModified);
    if (precondition.kind === 'failed') {
      throw new S3Error(
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
        412,
        {
          Condition: precondition.condition,
        },
      );
    }
    if (precondition.kind === 'not-modified') {
      res.writeHead(304, { ETag: headers.ETag, 'Last-Modified': headers['Last-Modified'] });
      res.end();
      return;
    }
    const range = resolveRange(req.headers.range, object.size);
    if (range.kind === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${object.size}`);
      throw new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, {
        RangeRequested: req.headers.range ?? '',
        ActualObjectSize: object.size,
      });
    }
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : object.size - 1;
    headers['Content-Length'] = end - start + 1;
    if (range.kind === 'partial') headers['Content-Range'] = `bytes ${start}-${end}/${object.size}`;
    // A whole-object checksum only describes the whole object.
    const checksumMode = req.headers['x-amz-checksum-mode'] ?? queryValue(target, 'x-amz-checksum-mode');
    if (object.checksum && range.kind === 'full' && checksumMode === 'ENABLED') {
      headers[checksumHeader(object.checksum.algorithm)] = object.checksum.value;
      headers['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    res.writeHead(range.kind === 'partial' ? 206 : 200, headers);
    if (req.method === 'HEAD' || object.size === 0) {
      res.end();
      return;
    }
    await pipeline(
      handle.createReadStream({ start, end, autoClose: false, highWaterMark: IO_CHUNK_BYTES }),
      res,
    );
  } finally {
    await handle.close();
  }
}
