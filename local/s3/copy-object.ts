import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticated } from './auth.ts';
import { checksumAlgorithmOf } from './checksums.ts';
import type { RequestContext } from './context.ts';
import { parseCopySource } from './copy-source.ts';
import { invalidArgument, noSuchBucket, noSuchKey, notImplemented, S3Error } from './errors.ts';
import { headerValue } from './headers.ts';
import { announceCreated } from './notifications.ts';
import { attributesFromHeaders, attributesOf } from './object-attributes.ts';
import { validateKey } from './object-key.ts';
import type { ObjectAttributes, ObjectLocation, StoredObject } from './object-store.ts';
import { evaluatePreconditions } from './preconditions.ts';
import { assertWriteCondition, writeCondition } from './write-conditions.ts';
import { assertHonourableWrite } from './write-options.ts';
import { S3_NAMESPACE, type XmlNode, xmlDocument } from './xml.ts';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const COPY_SOURCE_CONDITION = 'x-amz-copy-source-';

/** Headers that change what S3 keeps besides metadata, so a self-copy carrying one is not a no-op there. */
const SELF_COPY_CHANGES = [
  'x-amz-storage-class',
  'x-amz-website-redirect-location',
  'x-amz-server-side-encryption',
] as const;

type MetadataDirective = 'COPY' | 'REPLACE';

function metadataDirective(headers: IncomingHttpHeaders): MetadataDirective {
  const value = headerValue(headers, 'x-amz-metadata-directive') ?? 'COPY';
  if (value !== 'COPY' && value !== 'REPLACE') {
    throw invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', value);
  }
  return value;
}

/**
 * A copy has no body: its bytes come from the source. The signature already covers the payload
 * hash, so a signed hash must be that of nothing.
 */
function assertNoBody(headers: IncomingHttpHeaders, payloadHash: string): void {
  const length = headerValue(headers, 'content-length');
  if ((length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined) {
    throw new S3Error('InvalidRequest', 'A copy request must not carry a request body.', 400);
  }
  if (/^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== EMPTY_SHA256) {
    throw new S3Error(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
      400,
      { ClientComputedContentSHA256: payloadHash, S3ComputedContentSHA256: EMPTY_SHA256 },
    );
  }
}

/**
 * `x-amz-copy-source-if-*` against the source, with GET's rules (RFC 9110 order, a date ignored
 * beside its ETag counterpart), except that every failure is 412: a copy has no 304.
 */
function assertCopySourcePreconditions(headers: IncomingHttpHeaders, source: StoredObject): void {
  const conditions: IncomingHttpHeaders = {};
  for (const name of ['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since']) {
    const value = headerValue(headers, `${COPY_SOURCE_CONDITION}${name}`);
    if (value !== undefined) conditions[name] = value;
  }
  const outcome = evaluatePreconditions(conditions, source.etag, source.lastModified);
  if (outcome.kind === 'proceed') return;
  const condition =
    outcome.kind === 'failed'
      ? outcome.condition
      : conditions['if-none-match'] !== undefined
        ? 'If-None-Match'
        : 'If-Modified-Since';
  throw new S3Error(
    'PreconditionFailed',
    'At least one of the pre-conditions you specified did not hold',
    412,
    { Condition: `${COPY_SOURCE_CONDITION}${condition}` },
  );
}

function assertNotSelfCopy(
  headers: IncomingHttpHeaders,
  source: ObjectLocation,
  destination: ObjectLocation,
  directive: MetadataDirective,
): void {
  if (source.bucket !== destination.bucket || source.key !== destination.key) return;
  if (directive === 'REPLACE') return;
  if (SELF_COPY_CHANGES.some((name) => headers[name] !== undefined)) return;
  throw new S3Error(
    'InvalidRequest',
    "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    400,
  );
}

/**
 * The copy's attributes: the source's (`COPY`) or the request's (`REPLACE`). The checksum
 * describes the bytes, which do not change, so it always comes from the source; asking for
 * another algorithm would mean reading the bytes, which this endpoint does not do on a copy.
 */
function copyAttributes(
  headers: IncomingHttpHeaders,
  source: StoredObject,
  directive: MetadataDirective,
): ObjectAttributes {
  const requested = headerValue(headers, 'x-amz-checksum-algorithm');
  if (requested !== undefined) {
    const algorithm = checksumAlgorithmOf(`x-amz-checksum-${requested}`);
    if (algorithm === undefined || algorithm !== source.checksum?.algorithm) {
      throw notImplemented(`CopyObject with a new checksum (x-amz-checksum-algorithm: ${requested})`);
    }
  }
  if (directive === 'COPY') return attributesOf(source);
  return { ...attributesFromHeaders(headers), checksum: source.checksum };
}

function copyObjectResult(object: StoredObject): string {
  const children: XmlNode[] = [
    ['LastModified', new Date(object.lastModified).toISOString()],
    ['ETag', `"${object.etag}"`],
  ];
  if (object.checksum) {
    children.push(
      ['ChecksumType', 'FULL_OBJECT'],
      [`Checksum${object.checksum.algorithm.toUpperCase()}`, object.checksum.value],
    );
  }
  return xmlDocument('CopyObjectResult', children, S3_NAMESPACE);
}

/**
 * CopyObject: a PUT naming its source in `x-amz-copy-source`, within one bucket or across
 * buckets of this endpoint. The source's data file is shared, not read; the copy is committed
 * atomically like any write, announced as `ObjectCreated:Copy`, and answered with
 * `CopyObjectResult`. Metadata comes from the source (`COPY`, the default) or the request
 * (`REPLACE`); `x-amz-copy-source-if-*` are checked against the version copied.
 */
export async function copyObject(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  key: string,
  auth: Authenticated,
): Promise<void> {
  const { server, bucket } = ctx;
  assertNoBody(req.headers, auth.payloadHash);
  const destination = { bucket: bucket.name, key: validateKey(key) };
  const source = parseCopySource(headerValue(req.headers, 'x-amz-copy-source') ?? '');
  const directive = metadataDirective(req.headers);
  if (!server.store.hasBucket(source.bucket)) throw noSuchBucket(source.bucket);
  assertHonourableWrite((name) => headerValue(req.headers, name), Object.keys(req.headers));
  const condition = writeCondition(req.headers, 'put');
  const object = await server.store.copy(
    source,
    destination,
    (original) => {
      assertCopySourcePreconditions(req.headers, original);
      assertNotSelfCopy(req.headers, source, destination, directive);
      return copyAttributes(req.headers, original, directive);
    },
    (current) => assertWriteCondition(condition, current, destination.key),
  );
  if (!object) throw noSuchKey(source.key);
  await announceCreated(ctx, 'ObjectCreated:Copy', object, auth.accessKeyId);
  const body = copyObjectResult(object);
  res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
