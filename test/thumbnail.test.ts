import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOnUploadHandler } from '../functions/on-upload/app.ts';
import { createThumbnailHandler } from '../functions/thumbnail/app.ts';
import { type AwsClients, createAwsClients } from '../lib/aws/clients.ts';
import type { Photo } from '../lib/repo/photo.ts';
import { PhotoTransitions } from '../lib/repo/photo-transitions.ts';
import { topology } from '../lib/topology/topology.ts';
import { lambdaContext } from '../local/lambda-context.ts';
import { toSqsEvent } from '../local/queue/sqs-event.ts';
import { phoneExif } from './fixtures/exif-images.ts';
import { forgedJpeg, noisyJpeg, pngBomb } from './fixtures/thumbnail-images.ts';
import { type LocalStack, postToS3, startLocalStack } from './helpers/local-stack.ts';

const UPLOADS = topology.queues.uploads.name;
const THUMBS = topology.queues.thumbnails.name;

let stack: LocalStack;
let clients: AwsClients;
let onUpload: ReturnType<typeof createOnUploadHandler>;
let thumbnail: ReturnType<typeof createThumbnailHandler>;
let crew: string;
const emitted: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ QDN_MAX_INPUT_PIXELS: '50000000' }, { pollers: false });
  clients = createAwsClients(stack.runtime.functionConfig);
  // Count the domain events the stages put on the bus.
  clients.events.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { Entries?: Array<{ DetailType?: string }> };
      for (const entry of input.Entries ?? []) emitted.push(entry.DetailType ?? '');
      return next(args);
    },
    { step: 'initialize', name: 'countEvents' },
  );
  onUpload = createOnUploadHandler(stack.runtime.functionConfig, { clients });
  thumbnail = createThumbnailHandler(stack.runtime.functionConfig, { clients });
  crew = await stack.token('crew-demo', 'crew');
});
afterAll(() => stack?.stop());
beforeEach(() => {
  emitted.length = 0;
});

async function uploadAndCheck(bytes: Buffer, contentType: string): Promise<string> {
  const grant = await stack.call('POST', '/upload-url', {
    token: crew,
    body: { job_id: 'job-demo-1', filename: 'f', content_type: contentType },
  });
  expect((await postToS3(grant.body, bytes, contentType)).status).toBe(201);
  const batch = toSqsEvent('us-east-1', UPLOADS, stack.runtime.queues.receive(UPLOADS, 10));
  expect((await onUpload(batch, lambdaContext('on-upload', 30))).batchItemFailures).toEqual([]);
  return grant.body.photo_id;
}

function thumbnailBatch(): SQSEvent {
  return toSqsEvent('us-east-1', THUMBS, stack.runtime.queues.receive(THUMBS, 10));
}

async function photo(photoId: string) {
  const out = await clients.dynamo.send(
    new GetCommand({ TableName: 'qdn', Key: { pk: 'JOB#job-demo-1', sk: `PHOTO#${photoId}` } }),
  );
  return out.Item as Photo;
}

async function object(key: string) {
  const out = await clients.s3.send(new GetObjectCommand({ Bucket: 'qdn-uploads', Key: key }));
  return {
    body: Buffer.from(await (out.Body?.transformToByteArray() ?? new Uint8Array())),
    cacheControl: out.CacheControl,
  };
}

describe('thumbnail', () => {
  it('writes upright, metadata-free WebP sizes with a long cache header and records ready with the SHA-256', async () => {
    const original = await sharp(await noisyJpeg(1200, 800))
      .jpeg()
      .withExif(phoneExif())
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const photoId = await uploadAndCheck(original, 'image/jpeg');
    expect((await thumbnail(thumbnailBatch(), lambdaContext('thumbnail', 60))).batchItemFailures).toEqual([]);
    const item = await photo(photoId);
    expect(item).toMatchObject({
      status: 'ready',
      width: 800,
      height: 1200,
      sha256: (await import('node:crypto')).createHash('sha256').update(original).digest('hex'),
      thumbnails: {
        small: `thumbs/job-demo-1/${photoId}/small.webp`,
        large: `thumbs/job-demo-1/${photoId}/large.webp`,
      },
    });
    const small = await object(item.thumbnails?.small as string);
    expect(small.cacheControl).toBe(topology.thumbnails.cacheControl);
    const meta = await sharp(small.body).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 213, height: 320 });
    expect(meta.exif).toBeUndefined();
    expect(emitted.filter((e) => e === 'photo.processed')).toHaveLength(1);
  });

  it('sets a rejected original aside on a retry when the first delivery failed before moving it', async () => {
    const whole = await noisyJpeg(400, 400);
    const photoId = await uploadAndCheck(whole.subarray(0, whole.length / 2), 'image/jpeg');
    const item = await photo(photoId);
    // As if a delivery wrote the verdict, then crashed before the move.
    await new PhotoTransitions(clients.dynamo, 'qdn').verdict(
      { jobId: 'job-demo-1', photoId, key: item.key, sequencer: item.sequencer as string },
      'rejected',
      'corrupt',
      'truncated',
    );
    expect((await thumbnail(thumbnailBatch(), lambdaContext('thumbnail', 60))).batchItemFailures).toEqual([]);
    await expect(object(item.key)).rejects.toThrow();
    expect((await object(`quarantine/${item.key}`)).body.length).toBe(Math.floor(whole.length / 2));
  });

  it('handles a duplicate photo.received: identical thumbnails, still one photo.processed', async () => {
    const photoId = await uploadAndCheck(await noisyJpeg(640, 480), 'image/jpeg');
    const batch = thumbnailBatch();
    const copy: SQSEvent = {
      Records: batch.Records.map((r) => ({ ...r, messageId: `${r.messageId}-copy` })),
    };
    await Promise.all([
      thumbnail(batch, lambdaContext('thumbnail', 60)),
      thumbnail(copy, lambdaContext('thumbnail', 60)),
    ]);
    const first = await object(`thumbs/job-demo-1/${photoId}/large.webp`);
    await thumbnail(batch, lambdaContext('thumbnail', 60));
    const again = await object(`thumbs/job-demo-1/${photoId}/large.webp`);
    expect(again.body.equals(first.body)).toBe(true);
    expect((await photo(photoId)).status).toBe('ready');
    expect(emitted.filter((e) => e === 'photo.processed')).toHaveLength(1);
  });

  it.each([
    ['a PNG bomb', () => Promise.resolve(pngBomb(20_000, 20_000)), 'image/png', 'too_many_pixels'],
    ['a JPEG with forged huge dimensions', () => forgedJpeg(16_000, 16_000), 'image/jpeg', 'too_many_pixels'],
    [
      'a truncated JPEG',
      async () => {
        const whole = await noisyJpeg(1000, 1000);
        return whole.subarray(0, Math.floor(whole.length / 2));
      },
      'image/jpeg',
      'corrupt',
    ],
  ])('ends %s rejected with a reason, and keeps working', async (_name, make, type, reasonCode) => {
    const photoId = await uploadAndCheck(await make(), type);
    const started = process.hrtime.bigint();
    expect((await thumbnail(thumbnailBatch(), lambdaContext('thumbnail', 60))).batchItemFailures).toEqual([]);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(await photo(photoId)).toMatchObject({
      status: 'rejected',
      reasonCode,
      reason: expect.any(String),
    });
    expect(emitted).not.toContain('photo.processed');
    // A sanity bound, not a benchmark: a decoded bomb would take seconds and gigabytes.
    expect(elapsedMs).toBeLessThan(5000);
  });
});
