import { CopyObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOnUploadHandler } from '../functions/on-upload/app.ts';
import { type AwsClients, createAwsClients } from '../lib/aws/clients.ts';
import { normalizeSequencer, s3NotificationBody } from '../lib/events/s3-event.ts';
import { PhotoTransitions } from '../lib/repo/photo-transitions.ts';
import { PhotoRepository } from '../lib/repo/photos.ts';
import { topology } from '../lib/topology/topology.ts';
import { lambdaContext } from '../local/lambda-context.ts';
import { toSqsEvent } from '../local/queue/sqs-event.ts';
import { type LocalStack, postToS3, startLocalStack } from './helpers/local-stack.ts';

const UPLOADS = topology.queues.uploads.name;
const THUMBS = topology.queues.thumbnails.name;

let stack: LocalStack;
let clients: AwsClients;
let onUpload: ReturnType<typeof createOnUploadHandler>;
let photos: PhotoRepository;
let crew: string;
let bucket: string;

beforeAll(async () => {
  // Pollers off: each test delivers the queue's messages to the handler itself.
  stack = await startLocalStack({}, { pollers: false });
  clients = createAwsClients(stack.runtime.functionConfig);
  onUpload = createOnUploadHandler(stack.runtime.functionConfig, { clients });
  photos = new PhotoRepository(clients.dynamo, stack.runtime.functionConfig.tableName);
  crew = await stack.token('crew-demo', 'crew');
  bucket = stack.runtime.functionConfig.uploadsBucket;
});
afterAll(async () => {
  clients?.s3.destroy();
  clients?.dynamo.destroy();
  await stack?.stop();
});
beforeEach(() => {
  stack.runtime.queues.purge(UPLOADS);
  stack.runtime.queues.purge(THUMBS);
});

async function upload(): Promise<{ photoId: string; key: string; batch: SQSEvent }> {
  const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#a53' } })
    .jpeg()
    .toBuffer();
  const grant = await stack.call('POST', '/upload-url', {
    token: crew,
    body: { job_id: 'job-demo-1', filename: 'f.jpg', content_type: 'image/jpeg' },
  });
  expect((await postToS3(grant.body, bytes, 'image/jpeg')).status).toBe(201);
  const batch = toSqsEvent('us-east-1', UPLOADS, stack.runtime.queues.receive(UPLOADS, 10));
  return { photoId: grant.body.photo_id, key: grant.body.key, batch };
}

function s3Record(batch: SQSEvent) {
  const body = s3NotificationBody.parse(JSON.parse(batch.Records[0]?.body ?? '{}'));
  if (!('Records' in body)) throw new Error('Expected S3 records');
  const [record] = body.Records;
  if (!record) throw new Error('Expected one S3 record');
  return record;
}

async function exists(key: string): Promise<boolean> {
  return clients.s3
    .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    .then(() => true)
    .catch(() => false);
}

describe("on-upload moves the checked original out of the grant's reach (issue 11, finding 1)", () => {
  it('finishes after a crash between the record and the event: the upload copy goes, photo.received goes out', async () => {
    // Prepare: what a process that died after recording `received` left behind.
    const { photoId, key, batch } = await upload();
    const record = s3Record(batch);
    const original = key.replace(/^photos\//, 'originals/');
    await clients.s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: original, CopySource: `${bucket}/${key}` }),
    );
    const transitions = new PhotoTransitions(clients.dynamo, stack.runtime.functionConfig.tableName);
    const sequencer = normalizeSequencer(record.s3.object.sequencer);
    await transitions.received({
      jobId: 'job-demo-1',
      photoId,
      key: original,
      sequencer,
      size: record.s3.object.size ?? 0,
      etag: record.s3.object.eTag ?? null,
      sniffedType: 'image/jpeg',
      receivedAt: new Date().toISOString(),
      takenAt: null,
      gps: null,
      exif: null,
      distanceM: null,
      farFromSite: false,
    });
    expect(
      await transitions.claimEvent(
        { jobId: 'job-demo-1', photoId, sequencer },
        'photo.received',
        30_000,
        Date.now(),
        'dead',
      ),
    ).toBe(true);
    // Act: the message comes back to the new process.
    const result = await onUpload(batch, lambdaContext('test', 30));
    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(await exists(key)).toBe(false);
    expect(await exists(original)).toBe(true);
    const [event] = stack.runtime.queues.receive(THUMBS, 10);
    expect(JSON.parse(event?.body ?? '{}').detail).toMatchObject({ photo_id: photoId, key: original });
    expect((await photos.get('job-demo-1', photoId))?.status).toBe('received');
  });

  it('never copies over other accepted bytes: the later object is refused and the record left alone', async () => {
    // Prepare: another version of this photo got to originals/ first (concurrent uploads of one grant).
    const { photoId, key, batch } = await upload();
    const original = key.replace(/^photos\//, 'originals/');
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: original, Body: 'the first accepted bytes' }),
    );
    const before = await photos.get('job-demo-1', photoId);
    // Act
    const result = await onUpload(batch, lambdaContext('test', 30));
    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(await photos.get('job-demo-1', photoId)).toEqual(before);
    expect(await exists(key)).toBe(false);
    const kept = await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: original }));
    expect(kept.ContentLength).toBe('the first accepted bytes'.length);
    expect(stack.runtime.queues.counts(THUMBS).visible).toBe(0);
  });
});
