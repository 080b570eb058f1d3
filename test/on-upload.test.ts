import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOnUploadHandler } from '../functions/on-upload/app.ts';
import { createThumbnailHandler } from '../functions/thumbnail/app.ts';
import { type AwsClients, createAwsClients } from '../lib/aws/clients.ts';
import { normalizeSequencer } from '../lib/events/s3-event.ts';
import type { Photo } from '../lib/repo/photo.ts';
import { PhotoTransitions } from '../lib/repo/photo-transitions.ts';
import { topology } from '../lib/topology/topology.ts';
import { lambdaContext } from '../local/lambda-context.ts';
import { toSqsEvent } from '../local/queue/sqs-event.ts';
import { heicWithExif } from './fixtures/bmff-boxes.ts';
import { phoneExif, tiffBlockOf } from './fixtures/exif-images.ts';
import { type LocalStack, postToS3, startLocalStack } from './helpers/local-stack.ts';
import { probeS3, type S3Probe } from './helpers/s3-probe.ts';

const MAX = 400_000;
const UPLOADS = topology.queues.uploads.name;
const THUMBS = topology.queues.thumbnails.name;

let stack: LocalStack;
let clients: AwsClients;
let probe: S3Probe;
let onUpload: ReturnType<typeof createOnUploadHandler>;
let thumbnail: ReturnType<typeof createThumbnailHandler>;
let crew: string;

beforeAll(async () => {
  // Pollers off: each test delivers the queue's messages to the handler itself.
  stack = await startLocalStack({ QDN_MAX_UPLOAD_BYTES: String(MAX) }, { pollers: false });
  clients = createAwsClients(stack.runtime.functionConfig);
  probe = probeS3(clients.s3);
  onUpload = createOnUploadHandler(stack.runtime.functionConfig, { clients });
  thumbnail = createThumbnailHandler(stack.runtime.functionConfig, { clients });
  crew = await stack.token('crew-demo', 'crew');
});
afterAll(() => stack?.stop());
beforeEach(() => {
  stack.runtime.queues.purge(UPLOADS);
  stack.runtime.queues.purge(THUMBS);
  probe.reset();
});

/** Presigns as crew and posts the bytes as a browser would; returns the photo id and key. */
async function upload(bytes: Buffer, contentType: string, extra: Record<string, unknown> = {}) {
  const grant = await stack.call('POST', '/upload-url', {
    token: crew,
    body: { job_id: 'job-demo-1', filename: 'f', content_type: contentType, ...extra },
  });
  expect(grant.status).toBe(200);
  const res = await postToS3(grant.body, bytes, contentType);
  expect(res.status).toBe(201);
  return { photoId: grant.body.photo_id as string, key: grant.body.key as string };
}

/** Receives what is waiting in a queue and builds the SQSEvent the event-source mapping would. */
function takeBatch(queue: string, max = 10): SQSEvent {
  return toSqsEvent('us-east-1', queue, stack.runtime.queues.receive(queue, max));
}

async function deliver(handler: typeof onUpload, event: SQSEvent): Promise<SQSBatchResponse> {
  return handler(event, lambdaContext('test', 30));
}

async function photo(photoId: string, jobId = 'job-demo-1') {
  const out = await clients.dynamo.send(
    new GetCommand({ TableName: 'qdn', Key: { pk: `JOB#${jobId}`, sk: `PHOTO#${photoId}` } }),
  );
  return out.Item as Photo;
}

async function exists(key: string): Promise<boolean> {
  try {
    await clients.s3.send(new HeadObjectCommand({ Bucket: 'qdn-uploads', Key: key }));
    return true;
  } catch {
    return false;
  }
}

const jpegWithGps = () =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: '#888' } })
    .jpeg()
    .withExif(phoneExif())
    .toBuffer();

describe('on-upload', () => {
  it('records a JPEG with GPS as received, from one ranged read of at most 64 KiB', async () => {
    const { photoId, key } = await upload(await jpegWithGps(), 'image/jpeg');
    const response = await deliver(onUpload, takeBatch(UPLOADS));
    expect(response.batchItemFailures).toEqual([]);
    expect(await photo(photoId)).toMatchObject({
      status: 'received',
      sniffedType: 'image/jpeg',
      gps: {
        source: 'exif',
        lat: expect.closeTo(39.9525, 3),
        lon: expect.closeTo(-75.1636, 3),
        altitude: 12,
      },
      takenAt: '2024-05-01T12:34:56-04:00',
      exif: { make: 'Apple', model: 'iPhone 15 Pro' },
      farFromSite: false,
    });
    const reads = probe.gets.filter((g) => g.key.endsWith(key));
    expect(reads).toHaveLength(1);
    expect(reads[0]?.range).toMatch(/^bytes=0-/);
    expect(reads[0]?.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(stack.runtime.queues.counts(THUMBS).visible).toBe(1);
  });

  it('falls back to the device GPS sent at capture when EXIF has none', async () => {
    const bare = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#123' } })
      .jpeg()
      .toBuffer();
    const { photoId } = await upload(bare, 'image/jpeg', {
      gps: { lat: 39.9601, lon: -75.1652, accuracy_m: 15 },
    });
    await deliver(onUpload, takeBatch(UPLOADS));
    expect(await photo(photoId)).toMatchObject({
      status: 'received',
      gps: { source: 'device', lat: 39.9601, lon: -75.1652, accuracyM: 15 },
      farFromSite: true,
      distanceM: expect.any(Number),
    });
  });

  it('accepts PNG and WebP (EXIF after the image data) and sniffs a HEIC brand', async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 4, background: '#0f08' } })
      .png()
      .toBuffer();
    const webp = await sharp({ create: { width: 900, height: 900, channels: 3, background: '#555' } })
      .webp()
      .withExif(phoneExif())
      .toBuffer();
    const tiff = await tiffBlockOf(await jpegWithGps());
    const heic = heicWithExif(tiff, 200_000);
    const ids = [
      await upload(png, 'image/png'),
      await upload(webp, 'image/webp'),
      await upload(heic, 'image/heic'),
    ];
    expect((await deliver(onUpload, takeBatch(UPLOADS))).batchItemFailures).toEqual([]);
    const [p, w, h] = await Promise.all(ids.map((i) => photo(i.photoId)));
    expect(p).toMatchObject({ status: 'received', sniffedType: 'image/png', gps: null });
    expect(w).toMatchObject({ status: 'received', sniffedType: 'image/webp', gps: { source: 'exif' } });
    expect(h).toMatchObject({ status: 'received', sniffedType: 'image/heic', gps: { source: 'exif' } });
    // Never the whole object: the HEIC is 200 KB, its EXIF sits at the end.
    const heicReads = probe.gets.filter((g) => g.key.endsWith(ids[2]?.key as string));
    expect(heicReads.length).toBeLessThanOrEqual(3);
    expect(heicReads.reduce((n, g) => n + g.bytes, 0)).toBeLessThanOrEqual(96 * 1024);
  });

  it('rejects HTML named .jpg and a JPEG declared as PNG, and quarantines them', async () => {
    const html = await upload(
      Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>'),
      'image/jpeg',
    );
    const mismatch = await upload(await jpegWithGps(), 'image/png');
    await deliver(onUpload, takeBatch(UPLOADS));
    expect(await photo(html.photoId)).toMatchObject({
      status: 'rejected',
      reasonCode: 'not_an_image',
      reason: expect.stringContaining('HTML'),
    });
    expect(await photo(mismatch.photoId)).toMatchObject({ status: 'rejected', reasonCode: 'type_mismatch' });
    expect(await exists(html.key)).toBe(false);
    expect(await exists(`quarantine/${html.key}`)).toBe(true);
    expect(stack.runtime.queues.counts(THUMBS).visible).toBe(0);
  });

  it('rejects zero bytes and an over-size object put by another route', async () => {
    const empty = `photos/job-demo-1/${ulid()}.jpg`;
    const big = `photos/job-demo-1/${ulid()}.jpg`;
    await clients.s3.send(new PutObjectCommand({ Bucket: 'qdn-uploads', Key: empty, Body: Buffer.alloc(0) }));
    await clients.s3.send(
      new PutObjectCommand({ Bucket: 'qdn-uploads', Key: big, Body: Buffer.alloc(MAX + 1, 0xff) }),
    );
    expect((await deliver(onUpload, takeBatch(UPLOADS))).batchItemFailures).toEqual([]);
    const [e, b] = [
      await photo(empty.split('/')[2]?.slice(0, 26) as string),
      await photo(big.split('/')[2]?.slice(0, 26) as string),
    ];
    expect(e).toMatchObject({ status: 'rejected', reasonCode: 'empty' });
    expect(b).toMatchObject({
      status: 'rejected',
      reasonCode: 'too_large',
      reason: expect.stringContaining(`larger than ${+(MAX / 1024).toFixed(1)} KB`),
    });
    // Rejected on the size in the event alone, and moved aside server-side: never read at all.
    expect(probe.gets.filter((g) => g.key.endsWith(big))).toHaveLength(0);
    expect(await exists(`quarantine/${big}`)).toBe(true);
  });

  it('ends a polyglot (JPEG magic, then script) rejected by the full decode, never ready', async () => {
    const polyglot = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.from('<script>alert(1)</script>'.repeat(20)),
    ]);
    const { photoId } = await upload(polyglot, 'image/jpeg');
    await deliver(onUpload, takeBatch(UPLOADS));
    expect((await photo(photoId)).status).toBe('received');
    expect((await deliver(thumbnail, takeBatch(THUMBS))).batchItemFailures).toEqual([]);
    expect(await photo(photoId)).toMatchObject({ status: 'rejected', reasonCode: 'corrupt' });
  });

  it('acknowledges s3:TestEvent', async () => {
    stack.runtime.queues.send(
      UPLOADS,
      JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: 't', Bucket: 'qdn-uploads' }),
    );
    expect((await deliver(onUpload, takeBatch(UPLOADS))).batchItemFailures).toEqual([]);
  });

  it('decodes a key with a space, a + and an emoji once (and moves the stranger aside)', async () => {
    const key = 'photos/job-demo-1/my photo+1 📷.jpg';
    await clients.s3.send(
      new PutObjectCommand({ Bucket: 'qdn-uploads', Key: key, Body: await jpegWithGps() }),
    );
    const event = takeBatch(UPLOADS);
    expect(event.Records[0]?.body).toContain('my+photo%2B1+%F0%9F%93%B7.jpg');
    expect((await deliver(onUpload, event)).batchItemFailures).toEqual([]);
    expect(await exists(key)).toBe(false);
    expect(await exists(`quarantine/${key}`)).toBe(true);
  });

  it('ends the same event delivered twice and concurrently as one result and one photo.received', async () => {
    const { photoId } = await upload(await jpegWithGps(), 'image/jpeg');
    const event = takeBatch(UPLOADS);
    const twice: SQSEvent = {
      Records: [event.Records[0], { ...event.Records[0], messageId: 'copy' }] as SQSEvent['Records'],
    };
    const results = await Promise.all([deliver(onUpload, twice), deliver(onUpload, event)]);
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect((await photo(photoId)).status).toBe('received');
    expect(stack.runtime.queues.counts(THUMBS).visible).toBe(1);
  });

  it('never lets an older event overwrite a newer one', async () => {
    const { photoId } = await upload(await jpegWithGps(), 'image/jpeg');
    const event = takeBatch(UPLOADS);
    const body = JSON.parse(event.Records[0]?.body as string);
    const newer = structuredClone(body);
    newer.Records[0].s3.object.sequencer = 'FFFFFFFFFFFFFFFFFF';
    const older = structuredClone(body);
    older.Records[0].s3.object.sequencer = '000000000000000001';
    older.Records[0].s3.object.size = 0; // would be a rejection if it were applied
    const at = (b: unknown) => ({ Records: [{ ...event.Records[0], body: JSON.stringify(b) }] }) as SQSEvent;
    await deliver(onUpload, at(newer));
    await deliver(onUpload, at(older));
    expect(await photo(photoId)).toMatchObject({
      status: 'received',
      sequencer: 'FFFFFFFFFFFFFFFFFF'.padEnd(32, '0'),
    });
  });

  it('fails only the poisoned record of a batch of ten', async () => {
    for (let i = 0; i < 9; i++) await upload(await jpegWithGps(), 'image/jpeg');
    stack.runtime.queues.send(UPLOADS, '{"Records": "not a list"}');
    const event = takeBatch(UPLOADS, 10);
    expect(event.Records).toHaveLength(10);
    const poisoned = event.Records.find((r) => r.body.includes('not a list'));
    const response = await deliver(onUpload, event);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poisoned?.messageId }]);
  });

  it('retries a transient S3 fault through the queue and succeeds the second time', async () => {
    const { photoId } = await upload(await jpegWithGps(), 'image/jpeg');
    const event = takeBatch(UPLOADS);
    probe.failNextGets(1);
    const first = await deliver(onUpload, event);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.messageId }]);
    expect((await photo(photoId)).status).toBe('pending');
    expect((await deliver(onUpload, event)).batchItemFailures).toEqual([]);
    expect((await photo(photoId)).status).toBe('received');
  });

  it('reads only the version an event announces: an overwritten object waits for its own event', async () => {
    const { photoId, key } = await upload(await jpegWithGps(), 'image/jpeg');
    const html = Buffer.from('<!doctype html><p>swapped in later</p>');
    await clients.s3.send(new PutObjectCommand({ Bucket: 'qdn-uploads', Key: key, Body: html }));
    const [first, second] = takeBatch(UPLOADS).Records;
    // The first event's version is gone: acknowledged without a verdict on bytes it never saw.
    expect((await deliver(onUpload, { Records: [first] } as SQSEvent)).batchItemFailures).toEqual([]);
    expect((await photo(photoId)).status).toBe('pending');
    expect((await deliver(onUpload, { Records: [second] } as SQSEvent)).batchItemFailures).toEqual([]);
    expect(await photo(photoId)).toMatchObject({ status: 'rejected', reasonCode: 'not_an_image' });
  });

  it('moves a rejected original aside on a retry when the first delivery failed before moving it', async () => {
    const { photoId, key } = await upload(Buffer.from('<svg onload=alert(1)>'), 'image/jpeg');
    const event = takeBatch(UPLOADS);
    const sequencer = JSON.parse(event.Records[0]?.body as string).Records[0].s3.object.sequencer as string;
    // As if a delivery wrote the verdict, then crashed before the move.
    await new PhotoTransitions(clients.dynamo, 'qdn').verdict(
      { jobId: 'job-demo-1', photoId, key, sequencer: normalizeSequencer(sequencer) },
      'rejected',
      'not_an_image',
      'not an image',
    );
    expect(await exists(key)).toBe(true);
    expect((await deliver(onUpload, event)).batchItemFailures).toEqual([]);
    expect(await exists(key)).toBe(false);
    expect(await exists(`quarantine/${key}`)).toBe(true);
  });

  it('marks the photo failed with the reason on the last delivery, and a redrive recovers it', async () => {
    const { photoId } = await upload(await jpegWithGps(), 'image/jpeg');
    const event = takeBatch(UPLOADS);
    const last: SQSEvent = {
      Records: event.Records.map((r) => ({
        ...r,
        attributes: {
          ...r.attributes,
          ApproximateReceiveCount: String(topology.queues.uploads.maxReceiveCount),
        },
      })),
    };
    probe.failNextGets(1);
    expect((await deliver(onUpload, last)).batchItemFailures).toHaveLength(1);
    expect(await photo(photoId)).toMatchObject({
      status: 'failed',
      reasonCode: 'processing_failed',
      reason: expect.stringContaining('reduce your request rate'),
    });
    // Ops redrive the DLQ: the same message comes back and the photo is checked after all.
    expect((await deliver(onUpload, event)).batchItemFailures).toEqual([]);
    expect((await photo(photoId)).status).toBe('received');
  });

  it('acknowledges an object deleted before processing with a missing verdict', async () => {
    const { photoId, key } = await upload(await jpegWithGps(), 'image/jpeg');
    await clients.s3.send(new DeleteObjectCommand({ Bucket: 'qdn-uploads', Key: key }));
    expect((await deliver(onUpload, takeBatch(UPLOADS))).batchItemFailures).toEqual([]);
    expect(await photo(photoId)).toMatchObject({ status: 'missing', reasonCode: 'object_missing' });
  });
});
