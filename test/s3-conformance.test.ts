import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorsRule } from '../lib/topology/types.ts';
import { type S3LogEntry, type S3Server, type S3ServerOptions, startS3Server } from '../local/s3/server.ts';
import { Sha256 } from '../local/s3/sha256.ts';

/** One condition of a presigned POST policy, as `createPresignedPost` takes it. */
type Conditions = NonNullable<Parameters<typeof createPresignedPost>[1]['Conditions']>[number];

/** An S3-compatible endpoint the suite runs against, and what the suite may assume about it. */
interface ConformanceTarget {
  endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** An origin the bucket's CORS rules allow for GET and POST (not DELETE); undefined skips CORS checks. */
  corsOrigin: string | undefined;
}

/** A fetch answer read whole, for assertions. */
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'qdnlocal', secretAccessKey: 'qdnlocalsecret' };
const REFUSED_ORIGIN = 'https://not-allowed.example';
// Built from parts: a literal `${...}` in a plain string reads like a template-literal slip.
const FILENAME_VARIABLE = '$' + '{filename}';

// Prepare: helpers shared by every check.

function md5(bytes: Uint8Array | string): string {
  return createHash('md5').update(bytes).digest('hex');
}

function bytes(size: number, fill = 0x61): Buffer {
  return Buffer.alloc(size, fill);
}

function client(target: ConformanceTarget, overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    region: target.region,
    endpoint: target.endpoint,
    forcePathStyle: true,
    credentials: target.credentials,
    ...overrides,
  });
}

/**
 * `x-amz-copy-source` for an object, URL-encoded by segment as S3 requires. The SDK sends
 * CopySource as given (and Node refuses non-ASCII header values), so callers must encode it.
 */
function copySource(bucket: string, objectKey: string): string {
  return `${bucket}/${objectKey.split('/').map(encodeURIComponent).join('/')}`;
}

/** The text of the first `<tag>` in an XML body. */
function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match?.[1]
    ?.replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

async function read(response: Response): Promise<Answer> {
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The error an SDK call fails with (the test fails if it does not). */
async function sdkError(call: Promise<unknown>): Promise<S3ServiceException> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S3ServiceException);
  return error as S3ServiceException;
}

interface FormPost {
  fields: Record<string, string>;
  file?: Uint8Array;
  filename?: string;
  /** Extra fields before the file, after the presigned ones. */
  extra?: Array<[string, string]>;
  /** Fields after the file (S3 ignores them). */
  after?: Array<[string, string]>;
  /** Presigned fields to leave out. */
  omit?: string[];
  origin?: string;
}

/** A browser-style multipart POST (fields, then the file) with fetch and FormData. */
async function postForm(url: string, post: FormPost): Promise<Answer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(post.fields)) {
    if (!post.omit?.includes(name)) form.append(name, value);
  }
  for (const [name, value] of post.extra ?? []) form.append(name, value);
  if (post.file) form.append('file', new Blob([new Uint8Array(post.file)]), post.filename ?? 'photo.jpg');
  for (const [name, value] of post.after ?? []) form.append(name, value);
  const headers = post.origin ? { origin: post.origin } : undefined;
  return read(await fetch(url, { method: 'POST', body: form, headers }));
}

/**
 * The headers of a request signed in the Authorization header as the SDK signs it, except that
 * `unsigned` headers are left out of SignedHeaders. `path` is `/bucket/key`, already URL-encoded.
 */
async function signHeaders(
  target: ConformanceTarget,
  init: { method: string; path: string; headers: Record<string, string> },
  unsigned: string[] = [],
): Promise<Record<string, string>> {
  const endpoint = new URL(target.endpoint);
  const signer = new SignatureV4({
    credentials: target.credentials,
    region: target.region,
    service: 's3',
    sha256: Sha256,
    // S3 signs the path as sent, not encoded twice.
    uriEscapePath: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: init.method,
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port === '' ? undefined : Number(endpoint.port),
      path: init.path,
      headers: { host: endpoint.host, ...init.headers },
    }),
    { unsignableHeaders: new Set(unsigned) },
  );
  return signed.headers;
}

/** What a raw PUT got back, and how many body bytes it had sent by then. */
interface RawAnswer extends Answer {
  sent: number;
}

/**
 * A PUT with `node:http` that writes `head`, then `filler` over and over until the server
 * answers or `limit` bytes are sent: a client that would stream a body without end.
 */
function putUntilAnswered(
  url: string,
  headers: Record<string, string>,
  head: Buffer,
  filler: Buffer,
  limit: number,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers });
    let sent = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const answerHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) answerHeaders.set(name, String(value));
        resolve({ status: res.statusCode ?? 0, headers: answerHeaders, text, sent });
        req.destroy();
      });
    });
    // Once answered, the server closing on the rest of the body is the refusal, not a failure.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.write(head);
    sent += head.length;
    const pump = () => {
      while (!answered && sent < limit) {
        sent += filler.length;
        if (!req.write(filler)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/**
 * A request signed in the Authorization header as the SDK signs one, with a query (sub-resources
 * such as `?retention`) and any headers; `path` is `/bucket/key`, already URL-encoded.
 */
async function signedFetch(
  target: ConformanceTarget,
  init: {
    method: string;
    path: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: Buffer;
  },
): Promise<Answer> {
  const endpoint = new URL(target.endpoint);
  const body = init.body ?? Buffer.alloc(0);
  const query = init.query ?? {};
  const signer = new SignatureV4({
    credentials: target.credentials,
    region: target.region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: init.method,
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port === '' ? undefined : Number(endpoint.port),
      path: init.path,
      query,
      headers: {
        host: endpoint.host,
        'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
        ...init.headers,
      },
      body,
    }),
  );
  const { host: _host, ...headers } = signed.headers;
  const search = Object.entries(query)
    .map(([name, value]) =>
      value === '' ? encodeURIComponent(name) : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`,
    )
    .join('&');
  const url = `${target.endpoint}${init.path}${search === '' ? '' : `?${search}`}`;
  const hasBody = init.method !== 'GET' && init.method !== 'HEAD' && init.method !== 'DELETE';
  return read(
    await fetch(url, { method: init.method, headers, body: hasBody ? new Uint8Array(body) : undefined }),
  );
}

/** Whether a PUT with `Expect: 100-continue` was told to continue, and what it was answered. */
function putExpectingContinue(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ continued: boolean; status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { ...headers, expect: '100-continue' } });
    let continued = false;
    req.on('continue', () => {
      continued = true;
      req.end(body);
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => {
        resolve({ continued, status: res.statusCode ?? 0 });
        req.destroy();
      });
    });
    req.on('error', (error) => {
      if (!continued) reject(error);
    });
    req.flushHeaders();
  });
}

/** A multipart form written by hand where every part, fields too, carries a `filename` (python-requests' way). */
async function postFormAllParts(url: string, fields: Record<string, string>, file: Buffer): Promise<Answer> {
  const boundary = `----qdn${randomUUID().replaceAll('-', '')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat(parts),
  });
  return read(answer);
}

/**
 * The behaviours the photo pipeline relies on, driven only through the AWS SDK, presigned
 * POST/GET and fetch, so they hold for the local endpoint and for S3 (or MinIO, LocalStack).
 */
function defineConformanceSuite(name: string, getTarget: () => ConformanceTarget): void {
  describe(name, () => {
    let target: ConformanceTarget;
    let s3: S3Client;
    let run: string;
    const key = (suffix: string) => `${run}${suffix}`;

    beforeAll(() => {
      target = getTarget();
      s3 = client(target);
      // Every run writes under its own prefix, so a shared external bucket is never confused.
      run = `conformance/${randomUUID()}/`;
    });

    afterAll(() => s3.destroy());

    async function presignedPost(
      objectKey: string,
      options: {
        conditions?: Conditions[];
        fields?: Record<string, string>;
        expires?: number;
        signer?: S3Client;
      } = {},
    ) {
      return createPresignedPost(options.signer ?? s3, {
        Bucket: target.bucket,
        Key: objectKey,
        Conditions: options.conditions ?? [['content-length-range', 1, 1024]],
        Fields: options.fields ?? {},
        Expires: options.expires ?? 300,
      });
    }

    async function headStatus(objectKey: string): Promise<number | undefined> {
      return s3
        .send(new HeadObjectCommand({ Bucket: target.bucket, Key: objectKey }))
        .then((r) => r.$metadata.httpStatusCode)
        .catch((e: S3ServiceException) => e.$metadata.httpStatusCode);
    }

    describe('POST Object with a presigned POST policy', () => {
      const jpegPolicy = (): { conditions: Conditions[]; fields: Record<string, string> } => ({
        conditions: [
          ['content-length-range', 1, 1024],
          ['eq', '$Content-Type', 'image/jpeg'],
        ],
        fields: { 'Content-Type': 'image/jpeg' },
      });

      it('stores exactly the maximum size and answers 204 with the ETag and Location', async () => {
        // Prepare
        const objectKey = key('post/max.jpg');
        const { url, fields } = await presignedPost(objectKey, jpegPolicy());
        const file = bytes(1024);
        // Act
        const answer = await postForm(url, { fields, file });
        // Assess
        expect(answer.status).toBe(204);
        expect(answer.text).toBe('');
        expect(answer.headers.get('etag')).toBe(`"${md5(file)}"`);
        expect(answer.headers.get('location')).toContain(`/${target.bucket}/`);
        const head = await s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: objectKey }));
        expect(head.ContentLength).toBe(1024);
        expect(head.ContentType).toBe('image/jpeg');
        expect(head.ETag).toBe(`"${md5(file)}"`);
      });

      it('stores exactly the minimum size', async () => {
        const objectKey = key('post/min.jpg');
        const { url, fields } = await presignedPost(objectKey, jpegPolicy());
        const answer = await postForm(url, { fields, file: bytes(1) });
        expect(answer.status).toBe(204);
        expect(await headStatus(objectKey)).toBe(200);
      });

      it('refuses one byte over the maximum with 400 EntityTooLarge and stores nothing', async () => {
        const objectKey = key('post/too-large.jpg');
        const { url, fields } = await presignedPost(objectKey, jpegPolicy());
        const answer = await postForm(url, { fields, file: bytes(1025) });
        expect(answer.status).toBe(400);
        expect(xmlText(answer.text, 'Code')).toBe('EntityTooLarge');
        expect(answer.headers.get('x-amz-request-id')).toBeTruthy();
        expect(await headStatus(objectKey)).toBe(404);
      });

      it('refuses an empty file with 400 EntityTooSmall when the range starts at 1', async () => {
        const objectKey = key('post/empty.jpg');
        const { url, fields } = await presignedPost(objectKey, jpegPolicy());
        const answer = await postForm(url, { fields, file: new Uint8Array(0) });
        expect(answer.status).toBe(400);
        expect(xmlText(answer.text, 'Code')).toBe('EntityTooSmall');
        expect(await headStatus(objectKey)).toBe(404);
      });

      it('refuses a key other than the signed one', async () => {
        const objectKey = key('post/pinned.jpg');
        const { url, fields } = await presignedPost(objectKey, jpegPolicy());
        const answer = await postForm(url, {
          fields: { ...fields, key: key('post/elsewhere.jpg') },
          file: bytes(8),
        });
        expect(answer.status).toBe(403);
        expect(xmlText(answer.text, 'Code')).toBe('AccessDenied');
        expect(xmlText(answer.text, 'Message')).toBe(
          `Invalid according to Policy: Policy Condition failed: ["eq", "$key", "${objectKey}"]`,
        );
        expect(await headStatus(key('post/elsewhere.jpg'))).toBe(404);
      });

      it('refuses a Content-Type outside the policy', async () => {
        const { url, fields } = await presignedPost(key('post/type.jpg'), jpegPolicy());
        const answer = await postForm(url, {
          fields: { ...fields, 'Content-Type': 'image/png' },
          file: bytes(8),
        });
        expect(answer.status).toBe(403);
        expect(xmlText(answer.text, 'Code')).toBe('AccessDenied');
        expect(xmlText(answer.text, 'Message')).toBe(
          'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/jpeg"]',
        );
      });

      it('refuses a form field that no condition covers', async () => {
        const { url, fields } = await presignedPost(key('post/extra.jpg'), jpegPolicy());
        const answer = await postForm(url, { fields, extra: [['x-amz-meta-extra', 'x']], file: bytes(8) });
        expect(answer.status).toBe(403);
        expect(xmlText(answer.text, 'Code')).toBe('AccessDenied');
        expect(xmlText(answer.text, 'Message')).toBe(
          'Invalid according to Policy: Extra input fields: x-amz-meta-extra',
        );
      });

      it('lets x-ignore- fields through without a condition', async () => {
        const objectKey = key('post/ignored.jpg');
        const { url, fields } = await presignedPost(objectKey, jpegPolicy());
        const answer = await postForm(url, { fields, extra: [['x-ignore-tracking', '1']], file: bytes(8) });
        expect(answer.status).toBe(204);
      });

      it('refuses an expired policy', async () => {
        // A signer whose clock is two hours behind signs a policy that expired long ago.
        const lateSigner = client(target, { systemClockOffset: -2 * 3600 * 1000 });
        const { url, fields } = await presignedPost(key('post/expired.jpg'), {
          ...jpegPolicy(),
          expires: 60,
          signer: lateSigner,
        });
        lateSigner.destroy();
        const answer = await postForm(url, { fields, file: bytes(8) });
        expect(answer.status).toBe(403);
        expect(xmlText(answer.text, 'Code')).toBe('AccessDenied');
        expect(xmlText(answer.text, 'Message')).toBe('Invalid according to Policy: Policy expired.');
      });

      it('refuses a tampered signature and a tampered policy with 403 SignatureDoesNotMatch', async () => {
        const { url, fields } = await presignedPost(key('post/tampered.jpg'), jpegPolicy());
        const signature = fields['X-Amz-Signature'] ?? '';
        const flipped = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
        const badSignature = await postForm(url, {
          fields: { ...fields, 'X-Amz-Signature': flipped },
          file: bytes(8),
        });
        const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as {
          conditions: unknown[];
        };
        policy.conditions[0] = ['content-length-range', 1, 1024 * 1024 * 1024];
        const widened = Buffer.from(JSON.stringify(policy)).toString('base64');
        const badPolicy = await postForm(url, { fields: { ...fields, Policy: widened }, file: bytes(8) });
        for (const answer of [badSignature, badPolicy]) {
          expect(answer.status).toBe(403);
          expect(xmlText(answer.text, 'Code')).toBe('SignatureDoesNotMatch');
        }
      });

      it('refuses an unknown access key with 403 InvalidAccessKeyId', async () => {
        const stranger = client(target, {
          credentials: { accessKeyId: 'AKIANOSUCHKEY000000', secretAccessKey: 'x' },
        });
        const { url, fields } = await presignedPost(key('post/stranger.jpg'), {
          ...jpegPolicy(),
          signer: stranger,
        });
        stranger.destroy();
        const answer = await postForm(url, { fields, file: bytes(8) });
        expect(answer.status).toBe(403);
        expect(xmlText(answer.text, 'Code')).toBe('InvalidAccessKeyId');
      });

      it('applies starts-with on $key, $Content-Type and $x-amz-meta-*, fills in the filename, answers 201', async () => {
        const folder = key('post/starts-with/');
        const { url, fields } = await presignedPost(`${folder}${FILENAME_VARIABLE}`, {
          conditions: [
            ['content-length-range', 1, 1024],
            ['starts-with', '$Content-Type', 'image/'],
            ['starts-with', '$x-amz-meta-note', ''],
            ['starts-with', '$success_action_status', '20'],
          ],
        });
        const extra: Array<[string, string]> = [
          ['Content-Type', 'image/png'],
          ['x-amz-meta-note', 'front gate'],
          ['success_action_status', '201'],
        ];
        const answer = await postForm(url, { fields, extra, file: bytes(16), filename: 'gate.png' });
        expect(answer.status).toBe(201);
        expect(xmlText(answer.text, 'Bucket')).toBe(target.bucket);
        expect(xmlText(answer.text, 'Key')).toBe(`${folder}gate.png`);
        expect(xmlText(answer.text, 'ETag')).toBe(`"${md5(bytes(16))}"`);
        expect(xmlText(answer.text, 'Location')).toContain('gate.png');
        const head = await s3.send(
          new HeadObjectCommand({ Bucket: target.bucket, Key: `${folder}gate.png` }),
        );
        expect(head.ContentType).toBe('image/png');
        expect(head.Metadata).toEqual({ note: 'front gate' });
      });

      it('fails a starts-with condition the value does not start with', async () => {
        const { url, fields } = await presignedPost(key('post/typed.bin'), {
          conditions: [['starts-with', '$Content-Type', 'image/']],
        });
        const answer = await postForm(url, {
          fields,
          extra: [['Content-Type', 'text/html']],
          file: bytes(8),
        });
        expect(answer.status).toBe(403);
        expect(xmlText(answer.text, 'Message')).toBe(
          'Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "image/"]',
        );
      });

      it('answers success_action_status 200 with an empty 200', async () => {
        const { url, fields } = await presignedPost(key('post/200.jpg'), {
          conditions: [['content-length-range', 1, 1024]],
          fields: { success_action_status: '200' },
        });
        const answer = await postForm(url, { fields, file: bytes(8) });
        expect(answer.status).toBe(200);
        expect(answer.text).toBe('');
      });

      it('ignores fields after the file', async () => {
        const objectKey = key('post/late-field.jpg');
        const { url, fields } = await presignedPost(objectKey);
        const answer = await postForm(url, { fields, file: bytes(8), after: [['x-amz-meta-late', 'x']] });
        expect(answer.status).toBe(204);
        const head = await s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: objectKey }));
        expect(head.Metadata).toEqual({});
      });

      it('needs the signing fields before the file', async () => {
        const { url, fields } = await presignedPost(key('post/late-policy.jpg'));
        const answer = await postForm(url, {
          fields,
          omit: ['Policy'],
          file: bytes(8),
          after: [['Policy', fields.Policy ?? '']],
        });
        expect(answer.status).toBe(400);
        expect(xmlText(answer.text, 'Code')).toBe('InvalidArgument');
        expect(xmlText(answer.text, 'Message')).toContain("Bucket POST must contain a field named 'Policy'");
      });

      it('refuses a form without a file', async () => {
        const { url, fields } = await presignedPost(key('post/no-file.jpg'));
        const answer = await postForm(url, { fields });
        expect(answer.status).toBe(400);
        expect(xmlText(answer.text, 'Code')).toBe('InvalidArgument');
        expect(xmlText(answer.text, 'Message')).toBe('POST requires exactly one file upload per request.');
      });
    });

    describe('objects through the SDK (SigV4 in the Authorization header)', () => {
      it('round-trips bytes, Content-Type, Cache-Control and user metadata', async () => {
        const objectKey = key('objects/meta.txt');
        const body = Buffer.from('hello conformance');
        const put = await s3.send(
          new PutObjectCommand({
            Bucket: target.bucket,
            Key: objectKey,
            Body: body,
            ContentType: 'text/plain',
            CacheControl: 'public, max-age=60',
            Metadata: { job: 'j-1' },
          }),
        );
        expect(put.ETag).toBe(`"${md5(body)}"`);
        const got = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: objectKey }));
        expect(await got.Body?.transformToString()).toBe('hello conformance');
        expect(got.ContentType).toBe('text/plain');
        expect(got.CacheControl).toBe('public, max-age=60');
        expect(got.Metadata).toEqual({ job: 'j-1' });
        expect(got.ContentLength).toBe(body.length);
        expect(got.AcceptRanges).toBe('bytes');
        expect(got.LastModified).toBeInstanceOf(Date);
        expect(got.ETag).toBe(`"${md5(body)}"`);
      });

      it('serves byte ranges with 206 and Content-Range, and 416 InvalidRange past the end', async () => {
        const objectKey = key('objects/range.bin');
        await s3.send(
          new PutObjectCommand({ Bucket: target.bucket, Key: objectKey, Body: Buffer.from('0123456789') }),
        );
        const cases: Array<[string, string, string]> = [
          ['bytes=2-5', 'bytes 2-5/10', '2345'],
          ['bytes=7-', 'bytes 7-9/10', '789'],
          ['bytes=-3', 'bytes 7-9/10', '789'],
          ['bytes=8-100', 'bytes 8-9/10', '89'],
        ];
        for (const [range, contentRange, text] of cases) {
          const got = await s3.send(
            new GetObjectCommand({ Bucket: target.bucket, Key: objectKey, Range: range }),
          );
          expect(got.$metadata.httpStatusCode).toBe(206);
          expect(got.ContentRange).toBe(contentRange);
          expect(await got.Body?.transformToString()).toBe(text);
        }
        const error = await sdkError(
          s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: objectKey, Range: 'bytes=10-' })),
        );
        expect(error.name).toBe('InvalidRange');
        expect(error.$metadata.httpStatusCode).toBe(416);
      });

      it('accepts a stream body sent aws-chunked with a trailing checksum', async () => {
        // Prepare: record what the SDK actually sent, so this checks the aws-chunked path.
        const sent: Array<Record<string, string>> = [];
        const streaming = client(target);
        streaming.middlewareStack.add(
          (next) => async (args) => {
            sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
            return next(args);
          },
          { step: 'finalizeRequest', priority: 'low', name: 'recordHeaders' },
        );
        const objectKey = key('objects/chunked.bin');
        const parts = [bytes(70_000, 0x31), bytes(70_000, 0x32), bytes(5, 0x33)];
        // Act
        const put = await streaming.send(
          new PutObjectCommand({
            Bucket: target.bucket,
            Key: objectKey,
            Body: Readable.from(parts),
            ContentLength: 140_005,
          }),
        );
        streaming.destroy();
        // Assess
        expect(sent[0]?.['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
        expect(sent[0]?.['content-encoding']).toContain('aws-chunked');
        expect(put.ETag).toBe(`"${md5(Buffer.concat(parts))}"`);
        const got = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: objectKey }));
        expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(Buffer.concat(parts))).toBe(
          true,
        );
      });

      it('refuses a body that does not match its signed SHA-256', async () => {
        const tampering = client(target, { requestChecksumCalculation: 'WHEN_REQUIRED' });
        tampering.middlewareStack.add(
          (next) => async (args) => {
            // Runs after signing (last in finalizeRequest): same length, other bytes.
            (args.request as { body: unknown }).body = Buffer.from('HELLO');
            return next(args);
          },
          { step: 'finalizeRequest', priority: 'low', name: 'tamperBody' },
        );
        const objectKey = key('objects/tampered.txt');
        const error = await sdkError(
          tampering.send(
            new PutObjectCommand({ Bucket: target.bucket, Key: objectKey, Body: Buffer.from('hello') }),
          ),
        );
        tampering.destroy();
        expect(error.name).toBe('XAmzContentSHA256Mismatch');
        expect(error.$metadata.httpStatusCode).toBe(400);
        expect(await headStatus(objectKey)).toBe(404);
      });

      it('answers a missing key: HEAD 404 without body, GET NoSuchKey, DELETE 204', async () => {
        const objectKey = key('objects/missing.txt');
        const head = await sdkError(
          s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: objectKey })),
        );
        expect(head.$metadata.httpStatusCode).toBe(404);
        expect(head.name).toBe('NotFound');
        const get = await sdkError(s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: objectKey })));
        expect(get.name).toBe('NoSuchKey');
        expect(get.$metadata.httpStatusCode).toBe(404);
        const deleted = await s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: objectKey }));
        expect(deleted.$metadata.httpStatusCode).toBe(204);
      });

      it('deletes an object', async () => {
        const objectKey = key('objects/delete-me.txt');
        await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: objectKey, Body: 'x' }));
        const deleted = await s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: objectKey }));
        expect(deleted.$metadata.httpStatusCode).toBe(204);
        expect(await headStatus(objectKey)).toBe(404);
      });

      it('answers NoSuchBucket for an unknown bucket', async () => {
        const bucket = `qdn-no-such-bucket-${randomUUID()}`;
        const error = await sdkError(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'x' })));
        expect(error.name).toBe('NoSuchBucket');
        expect(error.$metadata.httpStatusCode).toBe(404);
      });

      it('refuses an unknown access key and a wrong secret', async () => {
        const stranger = client(target, {
          credentials: { accessKeyId: 'AKIANOSUCHKEY000000', secretAccessKey: 'x' },
        });
        const unknown = await sdkError(
          stranger.send(new HeadObjectCommand({ Bucket: target.bucket, Key: key('x') })),
        );
        expect(unknown.$metadata.httpStatusCode).toBe(403);
        const listed = await sdkError(
          stranger.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: run })),
        );
        expect(listed.name).toBe('InvalidAccessKeyId');
        stranger.destroy();
        const forger = client(target, {
          credentials: { accessKeyId: target.credentials.accessKeyId, secretAccessKey: 'not-the-secret' },
        });
        const forged = await sdkError(
          forger.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: run })),
        );
        forger.destroy();
        expect(forged.name).toBe('SignatureDoesNotMatch');
        expect(forged.$metadata.httpStatusCode).toBe(403);
      });

      it('refuses a request that does not sign host with 403 AccessDenied HeadersNotSigned', async () => {
        // Prepare: a GET signed as the SDK signs it, host left out of SignedHeaders.
        const objectKey = key('objects/host.txt');
        await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: objectKey, Body: 'x' }));
        const path = `/${target.bucket}/${objectKey}`;
        const headers = await signHeaders(
          target,
          { method: 'GET', path, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
          ['host'],
        );
        expect(headers.authorization).not.toMatch(/SignedHeaders=[^,]*host/);
        // Act: fetch sends the Host header itself.
        const { host: _host, ...sent } = headers;
        const answer = await read(await fetch(`${target.endpoint}${path}`, { headers: sent }));
        // Assess
        expect(answer.status).toBe(403);
        expect(xmlText(answer.text, 'Code')).toBe('AccessDenied');
        expect(xmlText(answer.text, 'Message')).toBe(
          'There were headers present in the request which were not signed',
        );
        expect(xmlText(answer.text, 'HeadersNotSigned')).toBe('host');
      });

      it('refuses more than one x-amz-checksum-* header with 400 InvalidRequest and stores nothing', async () => {
        const objectKey = key('objects/two-checksums.txt');
        const body = Buffer.from('hello');
        const error = await sdkError(
          s3.send(
            new PutObjectCommand({
              Bucket: target.bucket,
              Key: objectKey,
              Body: body,
              ChecksumCRC32: Buffer.from([0x36, 0x10, 0xa6, 0x86]).toString('base64'),
              ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
            }),
          ),
        );
        expect(error.name).toBe('InvalidRequest');
        expect(error.$metadata.httpStatusCode).toBe(400);
        expect(error.message).toContain('Expecting a single x-amz-checksum- header');
        expect(await headStatus(objectKey)).toBe(404);
      });

      it('refuses a skewed clock with RequestTimeTooSkewed, from which the SDK corrects its clock', async () => {
        const skewed = client(target, { systemClockOffset: -20 * 60 * 1000, maxAttempts: 1 });
        const error = await sdkError(
          skewed.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: run })),
        );
        expect(error.name).toBe('RequestTimeTooSkewed');
        expect(error.$metadata.httpStatusCode).toBe(403);
        // The SDK takes the server's time from the error (ServerTime, Date) for the next request.
        const listed = await skewed.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: run }));
        skewed.destroy();
        expect(listed.$metadata.httpStatusCode).toBe(200);
      });

      it('lists with ListObjectsV2: prefix, max-keys, continuation tokens, start-after, delimiter', async () => {
        const folder = key('list/');
        const names = ['a.txt', 'b.txt', 'c.txt', 'd/1.txt', 'd/2.txt', 'e.txt'];
        for (const n of names) {
          await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: `${folder}${n}`, Body: n }));
        }
        const pages: string[][] = [];
        let token: string | undefined;
        do {
          const page = await s3.send(
            new ListObjectsV2Command({
              Bucket: target.bucket,
              Prefix: folder,
              MaxKeys: 4,
              ContinuationToken: token,
            }),
          );
          pages.push((page.Contents ?? []).map((c) => c.Key?.slice(folder.length) ?? ''));
          expect(page.KeyCount).toBe(page.Contents?.length);
          expect(page.IsTruncated).toBe(page.NextContinuationToken !== undefined);
          token = page.NextContinuationToken;
        } while (token);
        expect(pages).toEqual([names.slice(0, 4), names.slice(4)]);

        const after = await s3.send(
          new ListObjectsV2Command({ Bucket: target.bucket, Prefix: folder, StartAfter: `${folder}c.txt` }),
        );
        expect(after.Contents?.map((c) => c.Key?.slice(folder.length))).toEqual([
          'd/1.txt',
          'd/2.txt',
          'e.txt',
        ]);
        expect(after.IsTruncated).toBe(false);

        const grouped = await s3.send(
          new ListObjectsV2Command({ Bucket: target.bucket, Prefix: folder, Delimiter: '/', MaxKeys: 3 }),
        );
        expect(grouped.Contents?.map((c) => c.Key?.slice(folder.length))).toEqual([
          'a.txt',
          'b.txt',
          'c.txt',
        ]);
        expect(grouped.IsTruncated).toBe(true);
        const rest = await s3.send(
          new ListObjectsV2Command({
            Bucket: target.bucket,
            Prefix: folder,
            Delimiter: '/',
            ContinuationToken: grouped.NextContinuationToken,
          }),
        );
        expect(rest.CommonPrefixes?.map((p) => p.Prefix)).toEqual([`${folder}d/`]);
        expect(rest.Contents?.map((c) => c.Key?.slice(folder.length))).toEqual(['e.txt']);
        expect(rest.KeyCount).toBe(2);
        const first = after.Contents?.[0];
        expect(first?.Size).toBe(7);
        expect(first?.ETag).toBe(`"${md5('d/1.txt')}"`);
      });

      it('never shows a reader half of an object being overwritten', async () => {
        const objectKey = key('objects/atomic.bin');
        const size = 512 * 1024;
        await s3.send(
          new PutObjectCommand({ Bucket: target.bucket, Key: objectKey, Body: bytes(size, 0x61) }),
        );
        const readOnce = async () => {
          const got = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: objectKey }));
          return Buffer.from((await got.Body?.transformToByteArray()) ?? []);
        };
        const writing = s3.send(
          new PutObjectCommand({
            Bucket: target.bucket,
            Key: objectKey,
            Body: Readable.from([bytes(size / 2, 0x62), bytes(size / 2, 0x62)]),
            ContentLength: size,
          }),
        );
        const reads = await Promise.all([readOnce(), readOnce(), readOnce(), readOnce()]);
        await writing;
        reads.push(await readOnce());
        for (const body of reads) {
          expect(body.length).toBe(size);
          expect(body.equals(bytes(size, 0x61)) || body.equals(bytes(size, 0x62))).toBe(true);
        }
        expect(reads.at(-1)?.equals(bytes(size, 0x62))).toBe(true);
      });
    });

    describe('CopyObject (x-amz-copy-source)', () => {
      /** A source object with a type, a cache policy and user metadata, as the pipeline's originals have. */
      async function putSource(objectKey: string, body: string | Buffer = 'original bytes') {
        return s3.send(
          new PutObjectCommand({
            Bucket: target.bucket,
            Key: objectKey,
            Body: body,
            ContentType: 'image/jpeg',
            CacheControl: 'private, max-age=0',
            Metadata: { job: 'j-7', reason: 'none' },
          }),
        );
      }

      it('copies within the bucket: same bytes, ETag, Content-Type, Cache-Control and metadata (COPY)', async () => {
        const sourceKey = key('copy/source.jpg');
        const destinationKey = key('copy/destination.jpg');
        const body = bytes(3000, 0x71);
        await putSource(sourceKey, body);
        // Act
        const copied = await s3.send(
          new CopyObjectCommand({
            Bucket: target.bucket,
            Key: destinationKey,
            CopySource: copySource(target.bucket, sourceKey),
          }),
        );
        // Assess
        expect(copied.$metadata.httpStatusCode).toBe(200);
        expect(copied.CopyObjectResult?.ETag).toBe(`"${md5(body)}"`);
        expect(copied.CopyObjectResult?.LastModified).toBeInstanceOf(Date);
        const got = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: destinationKey }));
        expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(body)).toBe(true);
        expect(got.ETag).toBe(`"${md5(body)}"`);
        expect(got.ContentType).toBe('image/jpeg');
        expect(got.CacheControl).toBe('private, max-age=0');
        expect(got.Metadata).toEqual({ job: 'j-7', reason: 'none' });
        expect(await headStatus(sourceKey)).toBe(200);
      });

      it('takes Content-Type and metadata from the request with REPLACE, keeping bytes and ETag', async () => {
        const sourceKey = key('copy/replace-source.jpg');
        const destinationKey = key('copy/replace-destination.jpg');
        await putSource(sourceKey);
        await s3.send(
          new CopyObjectCommand({
            Bucket: target.bucket,
            Key: destinationKey,
            CopySource: copySource(target.bucket, sourceKey),
            MetadataDirective: 'REPLACE',
            ContentType: 'application/octet-stream',
            Metadata: { reason: 'rejected' },
          }),
        );
        const head = await s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: destinationKey }));
        expect(head.ContentType).toBe('application/octet-stream');
        expect(head.CacheControl).toBeUndefined();
        expect(head.Metadata).toEqual({ reason: 'rejected' });
        expect(head.ETag).toBe(`"${md5('original bytes')}"`);
        expect(head.ContentLength).toBe('original bytes'.length);
      });

      it('refuses a copy onto itself with COPY (400 InvalidRequest), allows it with REPLACE', async () => {
        const objectKey = key('copy/self.jpg');
        await putSource(objectKey);
        const self = {
          Bucket: target.bucket,
          Key: objectKey,
          CopySource: copySource(target.bucket, objectKey),
        };
        const error = await sdkError(s3.send(new CopyObjectCommand(self)));
        expect(error.name).toBe('InvalidRequest');
        expect(error.$metadata.httpStatusCode).toBe(400);
        expect(error.message).toContain('trying to copy an object to itself without changing');
        await s3.send(
          new CopyObjectCommand({
            ...self,
            MetadataDirective: 'REPLACE',
            ContentType: 'image/jpeg',
            Metadata: { reviewed: 'yes' },
          }),
        );
        const head = await s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: objectKey }));
        expect(head.Metadata).toEqual({ reviewed: 'yes' });
        expect(head.ETag).toBe(`"${md5('original bytes')}"`);
      });

      it('answers 404 NoSuchKey for a missing source and NoSuchBucket for an unknown source bucket', async () => {
        const destinationKey = key('copy/from-nothing.jpg');
        const missing = await sdkError(
          s3.send(
            new CopyObjectCommand({
              Bucket: target.bucket,
              Key: destinationKey,
              CopySource: copySource(target.bucket, key('copy/no-such-source.jpg')),
            }),
          ),
        );
        expect(missing.name).toBe('NoSuchKey');
        expect(missing.$metadata.httpStatusCode).toBe(404);
        const noBucket = await sdkError(
          s3.send(
            new CopyObjectCommand({
              Bucket: target.bucket,
              Key: destinationKey,
              CopySource: copySource(`qdn-no-such-bucket-${randomUUID()}`, 'x.jpg'),
            }),
          ),
        );
        expect(noBucket.name).toBe('NoSuchBucket');
        expect(noBucket.$metadata.httpStatusCode).toBe(404);
        expect(await headStatus(destinationKey)).toBe(404);
      });

      it('copies keys with a space, a "+" and non-ASCII characters, in each documented CopySource form', async () => {
        const sourceKey = key('copy/odd name+1 é😀.jpg');
        await putSource(sourceKey, 'odd');
        const forms: Array<[string, string]> = [
          [key('copy/odd copy+1 ü.jpg'), copySource(target.bucket, sourceKey)],
          [key('copy/odd copy+2 ü.jpg'), `/${copySource(target.bucket, sourceKey)}`],
          // The whole value encoded, `/` as %2F, as some SDKs' helpers do.
          [key('copy/odd copy+3 ü.jpg'), encodeURIComponent(`${target.bucket}/${sourceKey}`)],
        ];
        for (const [destinationKey, source] of forms) {
          await s3.send(
            new CopyObjectCommand({ Bucket: target.bucket, Key: destinationKey, CopySource: source }),
          );
          const got = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: destinationKey }));
          expect(await got.Body?.transformToString()).toBe('odd');
          expect(got.Metadata).toEqual({ job: 'j-7', reason: 'none' });
        }
        const listed = await s3.send(
          new ListObjectsV2Command({ Bucket: target.bucket, Prefix: key('copy/odd copy+') }),
        );
        expect(listed.Contents?.map((c) => c.Key)).toEqual(forms.map(([k]) => k));
      });

      it('copies only when x-amz-copy-source-if-match / -if-none-match hold, else 412 PreconditionFailed', async () => {
        const sourceKey = key('copy/conditional.jpg');
        const destinationKey = key('copy/conditional-copy.jpg');
        const etag = (await putSource(sourceKey)).ETag ?? '';
        const copy = (conditions: { CopySourceIfMatch?: string; CopySourceIfNoneMatch?: string }) =>
          s3.send(
            new CopyObjectCommand({
              Bucket: target.bucket,
              Key: destinationKey,
              CopySource: copySource(target.bucket, sourceKey),
              ...conditions,
            }),
          );
        for (const conditions of [
          { CopySourceIfMatch: '"0123456789abcdef"' },
          { CopySourceIfNoneMatch: etag },
        ]) {
          const error = await sdkError(copy(conditions));
          expect(error.name).toBe('PreconditionFailed');
          expect(error.$metadata.httpStatusCode).toBe(412);
        }
        expect(await headStatus(destinationKey)).toBe(404);
        const copied = await copy({ CopySourceIfMatch: etag, CopySourceIfNoneMatch: '"0123456789abcdef"' });
        expect(copied.CopyObjectResult?.ETag).toBe(etag);
      });

      it('moves an object (copy, then delete the source) without losing the copy', async () => {
        const sourceKey = key('copy/move-me.jpg');
        const destinationKey = key('quarantine/move-me.jpg');
        await putSource(sourceKey, bytes(4096, 0x6d));
        await s3.send(
          new CopyObjectCommand({
            Bucket: target.bucket,
            Key: destinationKey,
            CopySource: copySource(target.bucket, sourceKey),
          }),
        );
        await s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: sourceKey }));
        // Overwrite the old name too: the copy must not share its fate.
        await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: sourceKey, Body: 'new' }));
        const got = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: destinationKey }));
        expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(bytes(4096, 0x6d))).toBe(
          true,
        );
      });
    });

    describe('presigned GET URLs (SigV4 in the query)', () => {
      let objectKey: string;

      beforeAll(async () => {
        objectKey = key('presigned/thumb small.webp');
        await s3.send(
          new PutObjectCommand({
            Bucket: target.bucket,
            Key: objectKey,
            Body: 'thumbnail',
            ContentType: 'image/webp',
          }),
        );
      });

      it('serves the object', async () => {
        const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: target.bucket, Key: objectKey }), {
          expiresIn: 60,
        });
        const answer = await read(await fetch(url));
        expect(answer.status).toBe(200);
        expect(answer.text).toBe('thumbnail');
        expect(answer.headers.get('content-type')).toBe('image/webp');
      });

      it('refuses an expired URL with 403 AccessDenied "Request has expired"', async () => {
        const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: target.bucket, Key: objectKey }), {
          expiresIn: 60,
          signingDate: new Date(Date.now() - 3600 * 1000),
        });
        const answer = await read(await fetch(url));
        expect(answer.status).toBe(403);
        expect(xmlText(answer.text, 'Code')).toBe('AccessDenied');
        expect(xmlText(answer.text, 'Message')).toBe('Request has expired');
      });

      it('refuses a tampered signature or key with 403 SignatureDoesNotMatch', async () => {
        const url = new URL(
          await getSignedUrl(s3, new GetObjectCommand({ Bucket: target.bucket, Key: objectKey }), {
            expiresIn: 60,
          }),
        );
        const signature = url.searchParams.get('X-Amz-Signature') ?? '';
        const badSignature = new URL(url);
        badSignature.searchParams.set(
          'X-Amz-Signature',
          `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
        );
        const otherKey = new URL(url);
        otherKey.pathname = otherKey.pathname.replace('thumb%20small', 'thumb%20large');
        for (const tampered of [badSignature, otherKey]) {
          const answer = await read(await fetch(tampered));
          expect(answer.status).toBe(403);
          expect(xmlText(answer.text, 'Code')).toBe('SignatureDoesNotMatch');
        }
      });

      it('refuses X-Amz-Expires beyond a week with 400 AuthorizationQueryParametersError', async () => {
        const url = new URL(
          await getSignedUrl(s3, new GetObjectCommand({ Bucket: target.bucket, Key: objectKey }), {
            expiresIn: 60,
          }),
        );
        url.searchParams.set('X-Amz-Expires', '604801');
        const answer = await read(await fetch(url));
        expect(answer.status).toBe(400);
        expect(xmlText(answer.text, 'Code')).toBe('AuthorizationQueryParametersError');
      });

      it('refuses an unsigned request with 403 AccessDenied', async () => {
        const answer = await read(await fetch(`${target.endpoint}/${target.bucket}/${encodeURI(objectKey)}`));
        expect(answer.status).toBe(403);
        expect(xmlText(answer.text, 'Code')).toBe('AccessDenied');
      });

      it('refuses a URL signed more than 15 minutes ahead with 403 "Request is not yet valid"', async () => {
        const presign = (aheadMs: number) =>
          getSignedUrl(s3, new GetObjectCommand({ Bucket: target.bucket, Key: objectKey }), {
            expiresIn: 60,
            signingDate: new Date(Date.now() + aheadMs),
          });
        const ahead = await read(await fetch(await presign(3600 * 1000)));
        expect(ahead.status).toBe(403);
        expect(xmlText(ahead.text, 'Code')).toBe('AccessDenied');
        expect(xmlText(ahead.text, 'Message')).toBe('Request is not yet valid');
        // Within the clock skew S3 allows, it serves.
        const slightlyAhead = await read(await fetch(await presign(5 * 60 * 1000)));
        expect(slightlyAhead.status).toBe(200);
      });

      it('refuses a URL that does not sign host with 403 AccessDenied HeadersNotSigned', async () => {
        const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: target.bucket, Key: objectKey }), {
          expiresIn: 60,
          unsignableHeaders: new Set(['host']),
        });
        expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toBe('');
        const answer = await read(await fetch(url));
        expect(answer.status).toBe(403);
        expect(xmlText(answer.text, 'Code')).toBe('AccessDenied');
        expect(xmlText(answer.text, 'HeadersNotSigned')).toBe('host');
      });
    });

    describe('presigned PUT URLs (SigV4 in the query)', () => {
      /** A presigned PutObject URL signed for host only, as a browser upload gets it. */
      async function presignPut(objectKey: string): Promise<string> {
        // No checksum in the URL: the SDK's default signs the CRC32 of an empty body into it.
        const presigner = client(target, { requestChecksumCalculation: 'WHEN_REQUIRED' });
        const url = await getSignedUrl(
          presigner,
          new PutObjectCommand({ Bucket: target.bucket, Key: objectKey }),
          { expiresIn: 60 },
        );
        presigner.destroy();
        expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toBe('host');
        return url;
      }

      it('stores the body, with x-amz-content-sha256 tolerated unsigned', async () => {
        const objectKey = key('presigned-put/plain.txt');
        const url = await presignPut(objectKey);
        const answer = await read(
          await fetch(url, {
            method: 'PUT',
            body: 'uploaded',
            headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
          }),
        );
        expect(answer.status).toBe(200);
        const got = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: objectKey }));
        expect(await got.Body?.transformToString()).toBe('uploaded');
      });

      it('refuses x-amz-* headers the URL does not sign, so it cannot become a CopyObject or add metadata', async () => {
        // Prepare: an object the upload URL's holder should not be able to copy.
        const sourceKey = key('presigned-put/secret.txt');
        await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: sourceKey, Body: 'secret' }));
        const objectKey = key('presigned-put/injected.txt');
        const url = await presignPut(objectKey);
        const added: Array<[string, string]> = [
          ['x-amz-copy-source', copySource(target.bucket, sourceKey)],
          ['x-amz-meta-note', 'not signed'],
        ];
        for (const [name, value] of added) {
          // Act
          const answer = await read(
            await fetch(url, { method: 'PUT', body: 'x', headers: { [name]: value } }),
          );
          // Assess
          expect(answer.status).toBe(403);
          expect(xmlText(answer.text, 'Code')).toBe('AccessDenied');
          expect(xmlText(answer.text, 'Message')).toBe(
            'There were headers present in the request which were not signed',
          );
          expect(xmlText(answer.text, 'HeadersNotSigned')).toBe(name);
          expect(await headStatus(objectKey)).toBe(404);
        }
      });
    });

    describe('what S3 refuses (unsupported sub-resources and options, conditional writes)', () => {
      const objectPath = (objectKey: string) =>
        `/${target.bucket}/${objectKey.split('/').map(encodeURIComponent).join('/')}`;

      async function content(objectKey: string): Promise<string> {
        const got = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: objectKey }));
        return (await got.Body?.transformToString()) ?? '';
      }

      it.each(['retention', 'legal-hold', 'renameObject'])(
        'never takes PUT ?%s as a plain PutObject: refused, the object unchanged',
        async (subresource) => {
          const objectKey = key(`sub/${subresource}.txt`);
          await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: objectKey, Body: 'original' }));
          const answer = await signedFetch(target, {
            method: 'PUT',
            path: objectPath(objectKey),
            query: { [subresource]: '' },
            body: Buffer.from('<Retention>replaced</Retention>'),
          });
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(await content(objectKey)).toBe('original');
        },
      );

      it.each(['torrent', 'retention', 'legal-hold'])(
        'never answers GET ?%s with the object bytes',
        async (subresource) => {
          const objectKey = key(`sub/get-${subresource}.txt`);
          await s3.send(
            new PutObjectCommand({ Bucket: target.bucket, Key: objectKey, Body: 'secret-bytes' }),
          );
          const answer = await signedFetch(target, {
            method: 'GET',
            path: objectPath(objectKey),
            query: { [subresource]: '' },
          });
          expect(answer.text).not.toBe('secret-bytes');
          if (subresource !== 'torrent') expect(answer.status).toBeGreaterThanOrEqual(400);
        },
      );

      it('refuses If-None-Match: * on PUT over an existing object (412), writes a new one', async () => {
        const objectKey = key('cond/none-match.txt');
        const first = await s3.send(
          new PutObjectCommand({ Bucket: target.bucket, Key: objectKey, Body: 'first', IfNoneMatch: '*' }),
        );
        expect(first.$metadata.httpStatusCode).toBe(200);
        const error = await sdkError(
          s3.send(
            new PutObjectCommand({ Bucket: target.bucket, Key: objectKey, Body: 'second', IfNoneMatch: '*' }),
          ),
        );
        expect(error.$metadata.httpStatusCode).toBe(412);
        expect(error.name).toBe('PreconditionFailed');
        expect(await content(objectKey)).toBe('first');
      });

      it('copies with If-None-Match: * only to a free key (412 over an existing object)', async () => {
        const source = key('cond/copy-source.txt');
        const destination = key('cond/copy-destination.txt');
        await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: source, Body: 'checked' }));
        const copied = await s3.send(
          new CopyObjectCommand({
            Bucket: target.bucket,
            Key: destination,
            CopySource: copySource(target.bucket, source),
            IfNoneMatch: '*',
          }),
        );
        expect(copied.$metadata.httpStatusCode).toBe(200);
        await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: source, Body: 'replaced' }));
        const error = await sdkError(
          s3.send(
            new CopyObjectCommand({
              Bucket: target.bucket,
              Key: destination,
              CopySource: copySource(target.bucket, source),
              IfNoneMatch: '*',
            }),
          ),
        );
        expect(error.$metadata.httpStatusCode).toBe(412);
        expect(await content(destination)).toBe('checked');
      });

      it('honours If-Match on PUT and DELETE of an object created by a POST form (412 when it differs)', async () => {
        const objectKey = key('cond/posted.txt');
        const { url, fields } = await presignedPost(objectKey);
        const posted = await postForm(url, { fields, file: Buffer.from('posted') });
        expect(posted.status).toBe(204);
        const etag = posted.headers.get('etag') ?? '';
        const wrong = `"${md5('something else')}"`;
        const putError = await sdkError(
          s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: objectKey, Body: 'x', IfMatch: wrong })),
        );
        expect(putError.$metadata.httpStatusCode).toBe(412);
        const deleteError = await sdkError(
          s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: objectKey, IfMatch: wrong })),
        );
        expect(deleteError.$metadata.httpStatusCode).toBe(412);
        expect(await content(objectKey)).toBe('posted');
        const replaced = await s3.send(
          new PutObjectCommand({ Bucket: target.bucket, Key: objectKey, Body: 'replaced', IfMatch: etag }),
        );
        expect(replaced.$metadata.httpStatusCode).toBe(200);
        const deleted = await s3.send(
          new DeleteObjectCommand({ Bucket: target.bucket, Key: objectKey, IfMatch: replaced.ETag }),
        );
        expect(deleted.$metadata.httpStatusCode).toBe(204);
        expect(await headStatus(objectKey)).toBe(404);
      });

      it('never keeps SSE-C or KMS data in clear: refused, or really encrypted', async () => {
        const objectKey = key('sse/customer.txt');
        const customerKey = randomUUID().replaceAll('-', '');
        const sseC = await s3
          .send(
            new PutObjectCommand({
              Bucket: target.bucket,
              Key: objectKey,
              Body: 'customer-keyed',
              SSECustomerAlgorithm: 'AES256',
              SSECustomerKey: Buffer.from(customerKey).toString('base64'),
              SSECustomerKeyMD5: createHash('md5').update(customerKey).digest('base64'),
            }),
          )
          .then(
            () => 'stored',
            (e: S3ServiceException) => e.$metadata.httpStatusCode ?? 0,
          );
        if (sseC === 'stored') {
          // Honoured: without the customer's key S3 does not serve the bytes.
          expect(await headStatus(objectKey)).toBe(400);
        } else {
          expect(sseC).toBeGreaterThanOrEqual(400);
          expect(await headStatus(objectKey)).toBe(404);
        }
        const kmsKey = key('sse/kms.txt');
        const kms = await s3
          .send(
            new PutObjectCommand({
              Bucket: target.bucket,
              Key: kmsKey,
              Body: 'k',
              ServerSideEncryption: 'aws:kms',
            }),
          )
          .then(
            (r) => r.ServerSideEncryption,
            (e: S3ServiceException) => e.$metadata.httpStatusCode,
          );
        expect(kms === 'aws:kms' || (typeof kms === 'number' && kms >= 400)).toBe(true);
      });

      it.each([
        ['x-amz-server-side-encryption', 'BOGUS', 'InvalidArgument'],
        ['x-amz-storage-class', 'BOGUS', 'InvalidStorageClass'],
        ['x-amz-acl', 'bogus', 'InvalidArgument'],
      ])('refuses %s: %s with 400 %s and stores nothing', async (header, value, code) => {
        const objectKey = key(`opts/${header}.txt`);
        const answer = await signedFetch(target, {
          method: 'PUT',
          path: objectPath(objectKey),
          headers: { [header]: value },
          body: Buffer.from('x'),
        });
        expect(answer.status).toBe(400);
        expect(xmlText(answer.text, 'Code')).toBe(code);
        expect(await headStatus(objectKey)).toBe(404);
      });

      it('never drops x-amz-tagging silently: refused, or the tags are kept', async () => {
        const objectKey = key('opts/tagged.txt');
        const put = await s3
          .send(
            new PutObjectCommand({
              Bucket: target.bucket,
              Key: objectKey,
              Body: 't',
              Tagging: 'kind=evidence',
            }),
          )
          .then(
            () => 'stored',
            (e: S3ServiceException) => e.$metadata.httpStatusCode ?? 0,
          );
        if (put === 'stored') {
          const tags = await signedFetch(target, {
            method: 'GET',
            path: objectPath(objectKey),
            query: { tagging: '' },
          });
          expect(tags.text).toContain('evidence');
        } else {
          expect(put).toBeGreaterThanOrEqual(400);
          expect(await headStatus(objectKey)).toBe(404);
        }
      });

      it('sends 100 Continue only to an authenticated request', async () => {
        const objectKey = key('continue/object.txt');
        const path = objectPath(objectKey);
        const body = Buffer.from('continued');
        const headers = await signHeaders(target, {
          method: 'PUT',
          path,
          headers: {
            'content-length': String(body.length),
            'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
          },
        });
        const { host: _host, ...sent } = headers;
        const good = await putExpectingContinue(`${target.endpoint}${path}`, sent, body);
        expect(good).toEqual({ continued: true, status: 200 });
        const forged = {
          ...sent,
          authorization: sent.authorization?.replace(/Signature=\w+/, `Signature=${'0'.repeat(64)}`) ?? '',
        };
        const bad = await putExpectingContinue(`${target.endpoint}${path}`, forged, Buffer.from('forged'));
        expect(bad).toEqual({ continued: false, status: 403 });
        expect(await content(objectKey)).toBe('continued');
      });

      it("verifies a POST form's Content-MD5 and x-amz-checksum-* against the file", async () => {
        const file = Buffer.from('checked bytes');
        const wrongMd5 = createHash('md5').update('other').digest('base64');
        const rightMd5 = createHash('md5').update(file).digest('base64');
        const wrongSha = createHash('sha256').update('other').digest('base64');
        const rightSha = createHash('sha256').update(file).digest('base64');
        const cases: Array<[string, string, string, number]> = [
          ['md5-wrong', 'Content-MD5', wrongMd5, 400],
          ['sha-wrong', 'x-amz-checksum-sha256', wrongSha, 400],
          ['md5-right', 'Content-MD5', rightMd5, 204],
          ['sha-right', 'x-amz-checksum-sha256', rightSha, 204],
        ];
        for (const [name, fieldName, value, status] of cases) {
          const objectKey = key(`post-digest/${name}.txt`);
          const extra: Record<string, string> =
            fieldName === 'Content-MD5' ? {} : { 'x-amz-checksum-algorithm': 'SHA256' };
          const { url, fields } = await presignedPost(objectKey, {
            conditions: [
              ['content-length-range', 1, 1024],
              ...Object.keys(extra).map((n) => ['starts-with', `$${n}`, ''] as Conditions),
              ['starts-with', `$${fieldName}`, ''],
            ],
          });
          const answer = await postForm(url, {
            fields,
            extra: [...Object.entries(extra), [fieldName, value]],
            file,
          });
          expect([name, answer.status]).toEqual([name, status]);
          if (status === 400) expect(xmlText(answer.text, 'Code')).toBe('BadDigest');
          expect(await headStatus(objectKey)).toBe(status === 204 ? 200 : 404);
        }
      });

      it('takes form fields sent as parts with a filename (python-requests), only `file` as the file', async () => {
        const objectKey = key('post/all-parts.jpg');
        const { url, fields } = await presignedPost(objectKey, {
          conditions: [
            ['content-length-range', 1, 1024],
            ['eq', '$Content-Type', 'image/jpeg'],
          ],
          fields: { 'Content-Type': 'image/jpeg' },
        });
        const file = bytes(10, 0x62);
        const answer = await postFormAllParts(url, fields, file);
        expect(answer.status).toBe(204);
        const head = await s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: objectKey }));
        expect(head.ContentType).toBe('image/jpeg');
        expect(head.ETag).toBe(`"${md5(file)}"`);
      });

      it('answers success_action_redirect with 303 to it, with bucket, key and etag in the query', async () => {
        const objectKey = key('post/redirected.jpg');
        const redirect = 'https://app.quickdumpnow.com/uploaded?from=form';
        const { url, fields } = await presignedPost(objectKey, {
          conditions: [
            ['content-length-range', 1, 1024],
            ['eq', '$success_action_redirect', redirect],
          ],
          fields: { success_action_redirect: redirect },
        });
        const file = bytes(5);
        const form = new FormData();
        for (const [name, value] of Object.entries(fields)) form.append(name, value);
        form.append('file', new Blob([new Uint8Array(file)]), 'x.jpg');
        const answer = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
        expect(answer.status).toBe(303);
        const location = new URL(answer.headers.get('location') ?? '');
        expect(`${location.origin}${location.pathname}`).toBe('https://app.quickdumpnow.com/uploaded');
        expect(location.searchParams.get('from')).toBe('form');
        expect(location.searchParams.get('bucket')).toBe(target.bucket);
        expect(location.searchParams.get('key')).toBe(objectKey);
        expect(location.searchParams.get('etag')).toBe(`"${md5(file)}"`);
      });
    });

    describe('CORS', () => {
      const objectUrl = () => `${target.endpoint}/${target.bucket}/${key('cors.txt')}`;

      async function preflight(
        origin: string,
        method: string,
        url = objectUrl(),
        headers?: string,
      ): Promise<Answer> {
        const requestHeaders: Record<string, string> = { origin, 'access-control-request-method': method };
        if (headers) requestHeaders['access-control-request-headers'] = headers;
        return read(await fetch(url, { method: 'OPTIONS', headers: requestHeaders }));
      }

      it('answers an allowed preflight with the Access-Control headers', async (context) => {
        if (!target.corsOrigin) return context.skip('no CORS origin known for this endpoint');
        const get = await preflight(target.corsOrigin, 'GET');
        expect(get.status).toBe(200);
        expect(get.headers.get('access-control-allow-origin')).toBe(target.corsOrigin);
        expect(get.headers.get('access-control-allow-methods')).toContain('GET');
        expect(Number(get.headers.get('access-control-max-age'))).toBeGreaterThan(0);
        const post = await preflight(
          target.corsOrigin,
          'POST',
          `${target.endpoint}/${target.bucket}`,
          'content-type',
        );
        expect(post.status).toBe(200);
        expect(post.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
      });

      it('refuses a preflight from an unlisted origin or for an unlisted method', async (context) => {
        if (!target.corsOrigin) return context.skip('no CORS origin known for this endpoint');
        for (const answer of [
          await preflight(REFUSED_ORIGIN, 'GET'),
          await preflight(target.corsOrigin, 'DELETE'),
        ]) {
          expect(answer.status).toBe(403);
          expect(answer.headers.get('access-control-allow-origin')).toBeNull();
          expect(xmlText(answer.text, 'Message')).toContain('CORSResponse: This CORS request is not allowed');
        }
      });

      it('adds Access-Control-Allow-Origin to actual requests from an allowed origin only', async (context) => {
        const origin = target.corsOrigin;
        if (!origin) return context.skip('no CORS origin known for this endpoint');
        const objectKey = key('cors/actual.txt');
        await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: objectKey, Body: 'x' }));
        const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: target.bucket, Key: objectKey }), {
          expiresIn: 60,
        });
        const allowed = await read(await fetch(url, { headers: { origin } }));
        expect(allowed.status).toBe(200);
        expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
        expect(allowed.headers.get('vary')).toContain('Origin');
        const refused = await read(await fetch(url, { headers: { origin: REFUSED_ORIGIN } }));
        expect(refused.status).toBe(200);
        expect(refused.headers.get('access-control-allow-origin')).toBeNull();
        const { url: postUrl, fields } = await presignedPost(key('cors/post.jpg'));
        const posted = await postForm(postUrl, { fields, file: bytes(4), origin });
        expect(posted.status).toBe(204);
        expect(posted.headers.get('access-control-allow-origin')).toBe(origin);
      });
    });
  });
}

// The local endpoint, with what only it can show: the notifications it sends.

const LOCAL_BUCKET = 'qdn-conformance';
/** A second bucket of the local endpoint, for copies across buckets. */
const LOCAL_OTHER_BUCKET = 'qdn-conformance-other';
const LOCAL_ORIGIN = 'http://127.0.0.1:5173';
const LOCAL_CORS: CorsRule[] = [
  {
    allowedOrigins: ['http://127.0.0.1:*', 'https://app.quickdumpnow.com'],
    allowedMethods: ['GET', 'HEAD', 'POST', 'PUT'],
    allowedHeaders: ['*'],
    exposedHeaders: ['ETag', 'Location'],
    maxAgeSeconds: 3000,
  },
];

function localOptions(dataDir: string, overrides: Partial<S3ServerOptions> = {}): S3ServerOptions {
  return {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    region: 'us-east-1',
    credentials: [LOCAL_CREDENTIALS],
    buckets: [{ name: LOCAL_BUCKET, cors: LOCAL_CORS, notifications: [] }],
    log: () => undefined,
    ...overrides,
  };
}

function localTarget(endpoint: string): ConformanceTarget {
  return {
    endpoint,
    bucket: LOCAL_BUCKET,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    corsOrigin: LOCAL_ORIGIN,
  };
}

/** One record of an S3 event notification, as the tests read it. */
interface S3EventRecord {
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: Record<string, string>;
  s3: {
    s3SchemaVersion: string;
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size: number; eTag: string; sequencer: string };
  };
}

describe('local S3 endpoint', () => {
  let server: S3Server;
  let dataDir: string;
  const bodies: string[] = [];
  const logs: S3LogEntry[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'qdn-s3-conformance-'));
    server = await startS3Server(
      localOptions(dataDir, {
        log: (entry) => logs.push(entry),
        buckets: [
          {
            name: LOCAL_BUCKET,
            cors: LOCAL_CORS,
            notifications: [
              {
                id: 'uploads-notification',
                prefix: 'photos/',
                // Resolves a tick later: the upload must still wait for it.
                send: async (body) => {
                  await new Promise((resolve) => setImmediate(resolve));
                  bodies.push(body);
                },
              },
              {
                id: 'broken-notification',
                prefix: 'broken/',
                send: () => {
                  throw new Error('queue unavailable');
                },
              },
            ],
          },
          { name: LOCAL_OTHER_BUCKET, cors: [], notifications: [] },
        ],
      }),
    );
  });

  afterAll(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  defineConformanceSuite('conformance', () => ({
    endpoint: server.url,
    bucket: LOCAL_BUCKET,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    corsOrigin: LOCAL_ORIGIN,
  }));

  describe('CopyObject beyond one bucket (local only)', () => {
    let s3: S3Client;

    beforeAll(() => {
      s3 = client(localTarget(server.url));
    });

    afterAll(() => s3.destroy());

    it('copies across buckets of the endpoint, announcing it in the destination bucket only', async () => {
      const sourceKey = 'photos/job 5/original.jpg';
      await s3.send(
        new PutObjectCommand({
          Bucket: LOCAL_BUCKET,
          Key: sourceKey,
          Body: 'across',
          ContentType: 'image/jpeg',
          Metadata: { job: 'j-5' },
        }),
      );
      const before = bodies.length;
      await s3.send(
        new CopyObjectCommand({
          Bucket: LOCAL_OTHER_BUCKET,
          Key: 'photos/job 5/original.jpg',
          CopySource: copySource(LOCAL_BUCKET, sourceKey),
        }),
      );
      // The other bucket has no notification configuration, even for the same prefix.
      expect(bodies.length).toBe(before);
      const got = await s3.send(
        new GetObjectCommand({ Bucket: LOCAL_OTHER_BUCKET, Key: 'photos/job 5/original.jpg' }),
      );
      expect(await got.Body?.transformToString()).toBe('across');
      expect(got.ContentType).toBe('image/jpeg');
      expect(got.Metadata).toEqual({ job: 'j-5' });
    });

    it('answers 501 NotImplemented for a versioned source (this endpoint keeps no versions)', async () => {
      await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: 'versions/a.txt', Body: 'v' }));
      const error = await sdkError(
        s3.send(
          new CopyObjectCommand({
            Bucket: LOCAL_BUCKET,
            Key: 'versions/b.txt',
            CopySource: `${LOCAL_BUCKET}/versions/a.txt?versionId=3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY`,
          }),
        ),
      );
      expect(error.name).toBe('NotImplemented');
      expect(error.$metadata.httpStatusCode).toBe(501);
    });

    it('refuses a copy source without a key with 400 InvalidArgument', async () => {
      const error = await sdkError(
        s3.send(new CopyObjectCommand({ Bucket: LOCAL_BUCKET, Key: 'x.txt', CopySource: LOCAL_BUCKET })),
      );
      expect(error.name).toBe('InvalidArgument');
      expect(error.$metadata.httpStatusCode).toBe(400);
    });
  });

  describe('what this endpoint does not implement is refused with S3 codes (local only)', () => {
    const target = () => localTarget(server.url);
    const path = (name: string) => `/${LOCAL_BUCKET}/refusals/${name}`;

    it.each([
      'retention',
      'legal-hold',
      'renameObject',
      'torrent',
      'acl',
      'tagging',
      'versioning',
      'uploads',
      'object-lock',
      'attributes',
    ])('answers ?%s with 501 NotImplemented, on PUT and on GET', async (subresource) => {
      for (const method of ['PUT', 'GET']) {
        const answer = await signedFetch(target(), {
          method,
          path: path(`${subresource}.txt`),
          query: { [subresource]: '' },
          body: method === 'PUT' ? Buffer.from('body') : undefined,
        });
        expect([method, answer.status, xmlText(answer.text, 'Code')]).toEqual([
          method,
          501,
          'NotImplemented',
        ]);
      }
    });

    it.each([
      [{ 'x-amz-server-side-encryption': 'aws:kms' }, 501, 'NotImplemented'],
      [{ 'x-amz-server-side-encryption-customer-algorithm': 'AES256' }, 501, 'NotImplemented'],
      [{ 'x-amz-storage-class': 'GLACIER' }, 501, 'NotImplemented'],
      [{ 'x-amz-acl': 'public-read' }, 403, 'AccessDenied'],
      [{ 'x-amz-tagging': 'a=b' }, 501, 'NotImplemented'],
      [{ 'x-amz-grant-read': 'id=someone' }, 501, 'NotImplemented'],
      [{ 'if-none-match': '"abc"' }, 501, 'NotImplemented'],
      [
        {
          'x-amz-server-side-encryption': 'AES256',
          'x-amz-storage-class': 'STANDARD',
          'x-amz-acl': 'private',
        },
        200,
        undefined,
      ],
    ])('answers a PUT with %j as S3 answers an unsupported feature: %i %s', async (headers, status, code) => {
      const name = `opts-${randomUUID()}.txt`;
      const answer = await signedFetch(target(), {
        method: 'PUT',
        path: path(name),
        headers,
        body: Buffer.from('x'),
      });
      expect([answer.status, xmlText(answer.text, 'Code')]).toEqual([status, code]);
    });

    it.each([
      ['GET', { 'x-amz-server-side-encryption-customer-algorithm': 'AES256' }, 400, 'InvalidRequest'],
      ['HEAD', { 'x-amz-server-side-encryption-customer-algorithm': 'AES256' }, 400, undefined],
      ['GET', { 'x-amz-server-side-encryption': 'AES256' }, 400, 'InvalidArgument'],
      ['DELETE', { 'x-amz-bypass-governance-retention': 'true' }, 501, 'NotImplemented'],
    ])(
      'refuses %s with %j: %i %s, and leaves the object as it was',
      async (method, headers, status, code) => {
        const name = `read-${randomUUID()}.txt`;
        const put = await signedFetch(target(), {
          method: 'PUT',
          path: path(name),
          body: Buffer.from('kept'),
        });
        expect(put.status).toBe(200);
        const answer = await signedFetch(target(), { method, path: path(name), headers });
        expect([answer.status, xmlText(answer.text, 'Code')]).toEqual([status, code]);
        expect((await signedFetch(target(), { method: 'GET', path: path(name) })).text).toBe('kept');
      },
    );

    it('refuses a POST form asking for a public ACL or tags, and stores nothing', async () => {
      const s3 = client(target());
      for (const [name, value] of [
        ['acl', 'public-read'],
        ['tagging', '<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>'],
        ['x-amz-storage-class', 'BOGUS'],
      ] as const) {
        const objectKey = `refusals/post-${name}.txt`;
        const { url, fields } = await createPresignedPost(s3, {
          Bucket: LOCAL_BUCKET,
          Key: objectKey,
          Conditions: [
            ['content-length-range', 1, 1024],
            ['eq', `$${name}`, value],
          ],
          Fields: { [name]: value },
          Expires: 300,
        });
        const answer = await postForm(url, { fields, file: Buffer.from('x') });
        expect(answer.status).toBeGreaterThanOrEqual(400);
        const head = await s3
          .send(new HeadObjectCommand({ Bucket: LOCAL_BUCKET, Key: objectKey }))
          .catch((e: S3ServiceException) => e);
        expect((head as S3ServiceException).$metadata?.httpStatusCode).toBe(404);
      }
      s3.destroy();
    });
  });

  describe('request bodies and checksums (local only)', () => {
    let s3: S3Client;
    const target = () => localTarget(server.url);

    beforeAll(() => {
      s3 = client(target());
    });

    afterAll(() => s3.destroy());

    async function headStatus(objectKey: string): Promise<number | undefined> {
      return s3
        .send(new HeadObjectCommand({ Bucket: LOCAL_BUCKET, Key: objectKey }))
        .then((r) => r.$metadata.httpStatusCode)
        .catch((e: S3ServiceException) => e.$metadata.httpStatusCode);
    }

    /** The headers of an aws-chunked PutObject declaring `declared` bytes, signed as the SDK signs one. */
    async function chunkedPut(objectKey: string, declared: number) {
      const path = `/${LOCAL_BUCKET}/${objectKey}`;
      const headers = await signHeaders(target(), {
        method: 'PUT',
        path,
        headers: {
          'content-encoding': 'aws-chunked',
          'transfer-encoding': 'chunked',
          'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
          'x-amz-decoded-content-length': String(declared),
        },
      });
      return { url: `${server.url}${path}`, headers };
    }

    const LIMIT = 64 * 1024 ** 2;
    it.each([
      ['a 16-hex-digit chunk size', Buffer.from('ffffffffffffffff\r\n'), bytes(64 * 1024)],
      [
        '1 KiB chunks past the declared 1 KiB',
        Buffer.alloc(0),
        Buffer.from(`400\r\n${'a'.repeat(1024)}\r\n`),
      ],
    ])(
      'refuses an aws-chunked body with %s at once, with 400 IncompleteBody, leaving no file',
      async (_name, head, filler) => {
        // Prepare
        const objectKey = 'chunked/endless.bin';
        const { url, headers } = await chunkedPut(objectKey, 1024);
        // Act: a client that would send 64 MiB.
        const answer = await putUntilAnswered(url, headers, head, filler, LIMIT);
        // Assess: answered long before the end, the connection closed rather than drained.
        expect(answer.status).toBe(400);
        expect(xmlText(answer.text, 'Code')).toBe('IncompleteBody');
        expect(xmlText(answer.text, 'NumberBytesExpected')).toBe('1024');
        expect(answer.headers.get('connection')).toBe('close');
        expect(answer.sent).toBeLessThan(LIMIT);
        expect(await readdir(join(dataDir, 's3', 'tmp'))).toEqual([]);
        expect(await headStatus(objectKey)).toBe(404);
      },
    );

    it('refuses checksums it cannot verify (CRC32C, CRC64NVME) with 501 NotImplemented, header or trailer', async () => {
      const objectKey = 'checksums/crc32c.bin';
      // A Buffer gets the checksum in a header, a stream in an aws-chunked trailer.
      const bodies = [() => Buffer.from('hello'), () => Readable.from([Buffer.from('hello')])];
      for (const algorithm of ['CRC32C', 'CRC64NVME'] as const) {
        for (const body of bodies) {
          const error = await sdkError(
            s3.send(
              new PutObjectCommand({
                Bucket: LOCAL_BUCKET,
                Key: objectKey,
                Body: body(),
                ContentLength: 5,
                ChecksumAlgorithm: algorithm,
              }),
            ),
          );
          expect(error.name).toBe('NotImplemented');
          expect(error.$metadata.httpStatusCode).toBe(501);
        }
      }
      expect(await headStatus(objectKey)).toBe(404);
    });

    it('refuses an x-amz-trailer that names no checksum, and a trailer next to a checksum header', async () => {
      const cases: Array<[Record<string, string>, string]> = [
        [
          { 'x-amz-trailer': 'x-amz-meta-note' },
          'The value specified in the x-amz-trailer header is not supported',
        ],
        [
          { 'x-amz-trailer': 'x-amz-checksum-crc32', 'x-amz-checksum-sha1': 'qvTGHdzF6KLavt4PO0gs2a6pQ00=' },
          'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
        ],
      ];
      for (const [extra, message] of cases) {
        const path = `/${LOCAL_BUCKET}/checksums/trailer.bin`;
        const headers = await signHeaders(target(), {
          method: 'PUT',
          path,
          headers: {
            'content-encoding': 'aws-chunked',
            'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
            'x-amz-decoded-content-length': '5',
            ...extra,
          },
        });
        const { host: _host, ...sent } = headers;
        const body = '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n';
        const answer = await read(
          await fetch(`${server.url}${path}`, { method: 'PUT', headers: sent, body }),
        );
        expect(answer.status).toBe(400);
        expect(xmlText(answer.text, 'Code')).toBe('InvalidRequest');
        expect(xmlText(answer.text, 'Message')).toBe(message);
      }
    });
  });

  describe('event notifications', () => {
    let s3: S3Client;

    beforeAll(() => {
      s3 = new S3Client({
        region: 'us-east-1',
        endpoint: server.url,
        forcePathStyle: true,
        credentials: LOCAL_CREDENTIALS,
      });
    });

    afterAll(() => s3.destroy());

    const recordsFor = (objectKey: string): S3EventRecord[] =>
      bodies
        .map((body) => JSON.parse(body) as { Records?: S3EventRecord[] })
        .flatMap((message) => message.Records ?? [])
        .filter((record) => decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')) === objectKey);

    it('sends the s3:TestEvent once when the notification is configured', () => {
      const tests = bodies
        .map((b) => JSON.parse(b) as Record<string, unknown>)
        .filter((m) => m.Event === 's3:TestEvent');
      expect(tests).toHaveLength(1);
      expect(tests[0]).toMatchObject({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: LOCAL_BUCKET });
      expect(Object.keys(tests[0] ?? {}).sort()).toEqual([
        'Bucket',
        'Event',
        'HostId',
        'RequestId',
        'Service',
        'Time',
      ]);
    });

    it("announces a POST upload before answering it, with S3's record and encoded key", async () => {
      // Prepare: a space, a '+', an é and an emoji, which S3 form-encodes in events.
      const objectKey = 'photos/job 1/a+b é😀.jpg';
      const file = bytes(42);
      const { url, fields } = await createPresignedPost(s3, {
        Bucket: LOCAL_BUCKET,
        Key: objectKey,
        Conditions: [['content-length-range', 1, 1024]],
        Expires: 60,
      });
      // Act
      const answer = await postForm(url, { fields, file });
      // Assess: the event is there as soon as the upload is acknowledged.
      expect(answer.status).toBe(204);
      const [record] = recordsFor(objectKey);
      expect(record).toBeDefined();
      expect(record?.s3.object.key).toBe('photos/job+1/a%2Bb+%C3%A9%F0%9F%98%80.jpg');
      expect(record).toMatchObject({
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventName: 'ObjectCreated:Post',
        userIdentity: { principalId: expect.any(String) },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'uploads-notification',
          bucket: {
            name: LOCAL_BUCKET,
            ownerIdentity: { principalId: expect.any(String) },
            arn: `arn:aws:s3:::${LOCAL_BUCKET}`,
          },
          object: { size: 42, eTag: md5(file), sequencer: expect.stringMatching(/^[0-9A-F]{18}$/) },
        },
      });
      expect(new Date(record?.eventTime ?? '').toISOString()).toBe(record?.eventTime);
      expect(record?.responseElements['x-amz-request-id']).toBe(answer.headers.get('x-amz-request-id'));
      expect(record?.responseElements['x-amz-id-2']).toBe(answer.headers.get('x-amz-id-2'));
    });

    it('announces PUTs of one key with increasing sequencers of equal length', async () => {
      const objectKey = 'photos/job 2/same key.jpg';
      for (const body of ['one', 'two', 'three']) {
        await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: objectKey, Body: body }));
      }
      const records = recordsFor(objectKey);
      expect(records.map((r) => r.eventName)).toEqual([
        'ObjectCreated:Put',
        'ObjectCreated:Put',
        'ObjectCreated:Put',
      ]);
      expect(records.map((r) => r.s3.object.eTag)).toEqual([md5('one'), md5('two'), md5('three')]);
      const sequencers = records.map((r) => r.s3.object.sequencer);
      expect(new Set(sequencers.map((s) => s.length)).size).toBe(1);
      expect([...sequencers].sort()).toEqual(sequencers);
      expect(new Set(sequencers).size).toBe(3);
    });

    it('sends nothing for keys outside the prefix', async () => {
      const before = bodies.length;
      await s3.send(
        new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: 'thumbs/job/1/small.webp', Body: 'x' }),
      );
      expect(bodies.length).toBe(before);
    });

    it('announces a copy into the prefix as one ObjectCreated:Copy, with the copy request ids', async () => {
      // Prepare: the source is outside the prefix, so its PUT sends nothing.
      const sourceKey = 'incoming/job 3/original+1 é.jpg';
      await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: sourceKey, Body: 'copied bytes' }));
      const destinationKey = 'photos/job 3/copy+1 é.jpg';
      const recording: Array<Record<string, string>> = [];
      const recorder = new S3Client({
        region: 'us-east-1',
        endpoint: server.url,
        forcePathStyle: true,
        credentials: LOCAL_CREDENTIALS,
      });
      recorder.middlewareStack.add(
        (next) => async (args) => {
          const out = await next(args);
          recording.push({ ...(out.response as { headers: Record<string, string> }).headers });
          return out;
        },
        { step: 'finalizeRequest', priority: 'low', name: 'recordResponseHeaders' },
      );
      // Act
      const copied = await recorder.send(
        new CopyObjectCommand({
          Bucket: LOCAL_BUCKET,
          Key: destinationKey,
          CopySource: copySource(LOCAL_BUCKET, sourceKey),
        }),
      );
      recorder.destroy();
      // Assess
      expect(recording[0]?.['content-type']).toBe('application/xml');
      expect(recordsFor(sourceKey)).toEqual([]);
      const records = recordsFor(destinationKey);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Copy',
        userIdentity: { principalId: `AWS:${LOCAL_CREDENTIALS.accessKeyId}` },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: {
          'x-amz-request-id': recording[0]?.['x-amz-request-id'],
          'x-amz-id-2': recording[0]?.['x-amz-id-2'],
        },
        s3: {
          configurationId: 'uploads-notification',
          bucket: { name: LOCAL_BUCKET, arn: `arn:aws:s3:::${LOCAL_BUCKET}` },
          object: {
            key: 'photos/job+3/copy%2B1+%C3%A9.jpg',
            size: 'copied bytes'.length,
            eTag: md5('copied bytes'),
            sequencer: expect.stringMatching(/^[0-9A-F]{18}$/),
          },
        },
      });
      expect(records[0]?.eventTime).toBe(copied.CopyObjectResult?.LastModified?.toISOString());
    });

    it('sends nothing for a copy outside the prefix', async () => {
      const sourceKey = 'photos/job 4/rejected.jpg';
      await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: sourceKey, Body: 'rejected' }));
      const before = bodies.length;
      await s3.send(
        new CopyObjectCommand({
          Bucket: LOCAL_BUCKET,
          Key: 'quarantine/job 4/rejected.jpg',
          CopySource: copySource(LOCAL_BUCKET, sourceKey),
        }),
      );
      expect(bodies.length).toBe(before);
    });

    it('still acknowledges the upload when the notification target fails, and logs it', async () => {
      const put = await s3.send(
        new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: 'broken/a.txt', Body: 'x' }),
      );
      expect(put.$metadata.httpStatusCode).toBe(200);
      expect(logs).toContainEqual(
        expect.objectContaining({
          level: 'error',
          configurationId: 'broken-notification',
          key: 'broken/a.txt',
        }),
      );
    });

    it('sends the s3:TestEvent exactly once per configuration across restarts', async () => {
      const folder = await mkdtemp(join(tmpdir(), 'qdn-s3-restart-'));
      const received: Array<{ target: string; body: Record<string, unknown> }> = [];
      const target = (id: string) => ({
        id,
        prefix: 'photos/',
        send: (body: string) => {
          received.push({ target: id, body: JSON.parse(body) as Record<string, unknown> });
        },
      });
      const start = (ids: string[]) =>
        startS3Server(
          localOptions(folder, {
            buckets: [{ name: LOCAL_BUCKET, cors: [], notifications: ids.map(target) }],
          }),
        );
      try {
        await (await start(['uploads'])).close();
        await (await start(['uploads'])).close();
        await (await start(['uploads', 'audit'])).close();
        expect(received.map((r) => [r.target, r.body.Event])).toEqual([
          ['uploads', 's3:TestEvent'],
          ['audit', 's3:TestEvent'],
        ]);
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    });

    it('keeps objects across a restart', async () => {
      const folder = await mkdtemp(join(tmpdir(), 'qdn-s3-restart-'));
      try {
        const first = await startS3Server(localOptions(folder));
        const writer = client(localTarget(first.url));
        await writer.send(
          new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: 'kept.txt', Body: 'still here' }),
        );
        writer.destroy();
        await first.close();
        const second = await startS3Server(localOptions(folder));
        const reader = client(localTarget(second.url));
        const got = await reader.send(new GetObjectCommand({ Bucket: LOCAL_BUCKET, Key: 'kept.txt' }));
        expect(await got.Body?.transformToString()).toBe('still here');
        reader.destroy();
        await second.close();
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    });
  });
});

// The same suite against a real S3-compatible endpoint, when one is configured.

const externalEnv = {
  endpoint: process.env.QDN_S3_CONFORMANCE_ENDPOINT,
  bucket: process.env.QDN_S3_CONFORMANCE_BUCKET,
  accessKeyId: process.env.QDN_S3_CONFORMANCE_ACCESS_KEY_ID,
  secretAccessKey: process.env.QDN_S3_CONFORMANCE_SECRET_ACCESS_KEY,
  region: process.env.QDN_S3_CONFORMANCE_REGION,
};
const missingExternal = Object.entries(externalEnv)
  .filter(([, value]) => !value)
  .map(([name]) => name);
if (missingExternal.length > 0) {
  console.info(
    `s3-conformance: external endpoint suite skipped (set QDN_S3_CONFORMANCE_ENDPOINT, _BUCKET, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY and _REGION to run it; missing: ${missingExternal.join(', ')})`,
  );
}

describe.skipIf(missingExternal.length > 0)('external S3-compatible endpoint', () => {
  defineConformanceSuite('conformance', () => ({
    endpoint: externalEnv.endpoint ?? '',
    bucket: externalEnv.bucket ?? '',
    region: externalEnv.region ?? '',
    credentials: {
      accessKeyId: externalEnv.accessKeyId ?? '',
      secretAccessKey: externalEnv.secretAccessKey ?? '',
    },
    // Optional: an origin the bucket's CORS configuration allows for GET and POST.
    corsOrigin: process.env.QDN_S3_CONFORMANCE_CORS_ORIGIN || undefined,
  }));
});
