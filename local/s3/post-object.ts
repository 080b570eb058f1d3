import { createWriteStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BodyMeter } from './body-meter.ts';
import type { ChecksumAlgorithm } from './checksums.ts';
import type { RequestContext } from './context.ts';
import { invalidArgument, S3Error } from './errors.ts';
import { IO_CHUNK_BYTES } from './io-chunk.ts';
import { announceCreated } from './notifications.ts';
import { validateKey } from './object-key.ts';
import type { ObjectAttributes, ObjectStore, WrittenBody } from './object-store.ts';
import { authorizePost } from './post-auth.ts';
import { fileDigests, verifyDigests } from './post-digests.ts';
import { readPostForm } from './post-form.ts';
import { checkPolicy, type FormField, type SizeRange } from './post-policy.ts';
import { redirectTarget } from './post-redirect.ts';
import { encodeKeyPath } from './url-encoding.ts';
import { assertHonourableWrite } from './write-options.ts';
import { xmlDocument } from './xml.ts';

// Built from parts: a literal `${...}` in a plain string reads like a template-literal slip.
const FILENAME_VARIABLE = '$' + '{filename}';

function field(fields: readonly FormField[], name: string): string | undefined {
  return fields.find((f) => f.name.toLowerCase() === name)?.value;
}

/** `${filename}` in the key becomes the uploaded file's name (its last path segment, as S3 takes it). */
function withFilename(fields: readonly FormField[], filename: string): FormField[] {
  const base = filename.split(/[\\/]/).pop() ?? '';
  return fields.map((f) =>
    f.name.toLowerCase() === 'key' ? { name: f.name, value: f.value.replaceAll(FILENAME_VARIABLE, base) } : f,
  );
}

/** The fields that stand for PutObject's headers: content headers and `x-amz-meta-*`. */
function attributesFrom(fields: readonly FormField[]): ObjectAttributes {
  const metadata: Record<string, string> = {};
  for (const f of fields) {
    const name = f.name.toLowerCase();
    if (name.startsWith('x-amz-meta-') && !(name.slice(11) in metadata)) metadata[name.slice(11)] = f.value;
  }
  return {
    // S3's type for an object stored without one.
    contentType: field(fields, 'content-type') ?? 'binary/octet-stream',
    cacheControl: field(fields, 'cache-control'),
    contentDisposition: field(fields, 'content-disposition'),
    contentEncoding: field(fields, 'content-encoding'),
    contentLanguage: field(fields, 'content-language'),
    metadata,
  };
}

/** Form fields named like the PutObject headers they stand for (`acl` is `x-amz-acl`, `tagging` `x-amz-tagging`). */
function asHeaderName(fieldName: string): string {
  const name = fieldName.toLowerCase();
  if (name === 'acl') return 'x-amz-acl';
  if (name === 'tagging') return 'x-amz-tagging';
  return name;
}

async function receiveFile(
  stream: Readable,
  range: SizeRange,
  store: ObjectStore,
  checksum: ChecksumAlgorithm | undefined,
): Promise<WrittenBody & { checksum?: string }> {
  const meter = new BodyMeter({
    checksum,
    maxBytes: range.max,
    tooLarge: (bytes) =>
      new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
        ProposedSize: bytes,
        MaxSizeAllowed: range.max,
      }),
  });
  const path = store.tempPath();
  try {
    await pipeline(stream, meter, createWriteStream(path, { highWaterMark: IO_CHUNK_BYTES }));
    if (meter.bytes < range.min) {
      throw new S3Error(
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed size',
        400,
        {
          ProposedSize: meter.bytes,
          MinSizeAllowed: range.min,
        },
      );
    }
    return { path, size: meter.bytes, md5: meter.md5(), checksum: meter.checksum() };
  } catch (error) {
    await store.discard(path);
    throw error;
  }
}

function answer(
  res: ServerResponse,
  fields: readonly FormField[],
  location: string,
  bucket: string,
  key: string,
  etag: string,
): void {
  res.setHeader('ETag', `"${etag}"`);
  const redirect = redirectTarget(fields, bucket, key, etag);
  if (redirect !== undefined) {
    res.writeHead(303, { Location: redirect, 'Content-Length': 0 });
    res.end();
    return;
  }
  res.setHeader('Location', location);
  const status = field(fields, 'success_action_status');
  if (status === '201') {
    const body = xmlDocument('PostResponse', [
      ['Location', location],
      ['Bucket', bucket],
      ['Key', key],
      ['ETag', `"${etag}"`],
    ]);
    res.writeHead(201, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  // Anything but 200 or 201 (absent, or invalid) is answered 204, as S3 does.
  res.writeHead(status === '200' ? 200 : 204, { 'Content-Length': 0 });
  res.end();
}

/**
 * POST Object: a browser form upload authorized by a signed policy. The form is read up to the
 * file, the policy is checked before a byte of the file is stored, the file streams to disk
 * within `content-length-range`, and the object is committed and announced before answering.
 */
export async function postObject(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    throw new S3Error(
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
      412,
      {
        Condition: 'Bucket POST must be of the enclosure-type multipart/form-data',
      },
    );
  }
  const { server, bucket } = ctx;
  // The authority of a form is inside it: the body must come before anything can be checked.
  ctx.acceptBody();
  const form = await readPostForm(req);
  try {
    const { accessKeyId, policy } = await authorizePost(form.fields, server.region, server.verifiers);
    const fields = withFilename(form.fields, form.file?.filename ?? '');
    const range = checkPolicy(policy, fields, bucket.name, server.now());
    if (!form.file) throw invalidArgument('POST requires exactly one file upload per request.', 'file', '0');
    const key = validateKey(field(fields, 'key') ?? '');
    const asHeaders = new Map(fields.map((f) => [asHeaderName(f.name), f.value]));
    assertHonourableWrite((name) => asHeaders.get(name), asHeaders.keys());
    const digests = fileDigests(fields);
    const body = await receiveFile(form.file.stream, range, server.store, digests.checksum?.algorithm);
    let object: Awaited<ReturnType<typeof server.store.commit>>;
    try {
      const checksum = verifyDigests(digests, body);
      object = await server.store.commit(bucket.name, key, body, { ...attributesFrom(fields), checksum });
    } catch (error) {
      await server.store.discard(body.path);
      throw error;
    }
    await announceCreated(ctx, 'ObjectCreated:Post', object, accessKeyId);
    const location = `${ctx.baseUrl}/${bucket.name}/${encodeKeyPath(key)}`;
    answer(res, fields, location, bucket.name, key, object.etag);
  } catch (error) {
    form.discard();
    throw error;
  }
}
