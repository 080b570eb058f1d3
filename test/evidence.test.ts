import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../lib/aws/clients.ts';
import { CounterRepository } from '../lib/repo/counters.ts';
import { PhotoRepository } from '../lib/repo/photos.ts';
import { topology } from '../lib/topology/topology.ts';
import { type LocalStack, postToS3, startLocalStack } from './helpers/local-stack.ts';

let stack: LocalStack;
let clients: AwsClients;
let crew: string;
let admin: string;
let customer: string;

beforeAll(async () => {
  stack = await startLocalStack();
  clients = createAwsClients(stack.runtime.functionConfig);
  crew = await stack.token('crew-demo', 'crew');
  admin = await stack.token('admin-demo', 'admin');
  customer = await stack.token('cust-demo', 'customer');
});
afterAll(async () => {
  clients?.s3.destroy();
  clients?.dynamo.destroy();
  await stack?.stop();
});

/** What a replay or a duplicate must not change (emit markers may still settle after `ready`). */
function kept(photo: Record<string, unknown> | undefined) {
  if (!photo) return undefined;
  const { status, key, etag, sequencer, size, sha256, thumbnails, sniffedType, receivedAt, readyAt } = photo;
  return { status, key, etag, sequencer, size, sha256, thumbnails, sniffedType, receivedAt, readyAt };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function exists(key: string): Promise<boolean> {
  const bucket = stack.runtime.functionConfig.uploadsBucket;
  return clients.s3
    .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    .then(() => true)
    .catch(() => false);
}

async function uploadReady(): Promise<{
  grant: { photo_id: string; key: string; url: string; fields: Record<string, string> };
  bytes: Buffer;
}> {
  const bytes = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#357' } })
    .jpeg()
    .toBuffer();
  const grant = await stack.call('POST', '/upload-url', {
    token: crew,
    body: { job_id: 'job-demo-1', filename: 'evidence.jpg', content_type: 'image/jpeg', size: bytes.length },
  });
  expect(grant.status).toBe(200);
  expect((await postToS3(grant.body, bytes, 'image/jpeg')).status).toBe(201);
  const photos = new PhotoRepository(clients.dynamo, stack.runtime.functionConfig.tableName);
  await expect
    .poll(async () => (await photos.get('job-demo-1', grant.body.photo_id))?.status, {
      timeout: 30_000,
      interval: 100,
    })
    .toBe('ready');
  return { grant: grant.body, bytes };
}

describe('photo evidence cannot be swapped through its grant (issue 11, finding 1)', () => {
  it('moves an accepted original out of photos/ to originals/ and records that key', async () => {
    const { grant } = await uploadReady();
    const photos = new PhotoRepository(clients.dynamo, stack.runtime.functionConfig.tableName);
    const photo = await photos.get('job-demo-1', grant.photo_id);
    const originalKey = grant.key.replace(/^photos\//, 'originals/');
    expect(photo?.key).toBe(originalKey);
    expect(await exists(originalKey)).toBe(true);
    expect(await exists(grant.key)).toBe(false);
  });

  it('refuses a replay of the grant with other bytes: set aside, counted, the record and the original untouched', async () => {
    const { grant, bytes } = await uploadReady();
    const photos = new PhotoRepository(clients.dynamo, stack.runtime.functionConfig.tableName);
    const counters = new CounterRepository(clients.dynamo, stack.runtime.functionConfig.tableName);
    const before = await photos.get('job-demo-1', grant.photo_id);
    const refusedBefore = (await counters.read())['photos.replaced_refused'] ?? 0;
    // The same presigned POST, replayed within its 15 minutes with HTML instead of the photo.
    const html = Buffer.from('<html><body>not the photo</body></html>');
    expect((await postToS3(grant, html, 'image/jpeg')).status).toBe(201);
    await expect
      .poll(async () => (await counters.read())['photos.replaced_refused'] ?? 0, {
        timeout: 30_000,
        interval: 100,
      })
      .toBe(refusedBefore + 1);
    expect(await exists(grant.key)).toBe(false);
    // Set aside where ops can look, as a record apart from the photo's.
    const refusals = await clients.dynamo.send(
      new QueryCommand({
        TableName: stack.runtime.functionConfig.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `REFUSED#job-demo-1#${grant.photo_id}` },
      }),
    );
    expect(refusals.Items).toHaveLength(1);
    const refusal = refusals.Items?.[0] as { sequencer: string; setAsideAs: string; etag: string };
    expect(await exists(refusal.setAsideAs)).toBe(true);
    expect(refusal.setAsideAs).toMatch(/^quarantine\/photos\/job-demo-1\//);
    // A duplicate delivery of the replay's event is counted once.
    const queue = topology.queues.uploads.name;
    stack.runtime.queues.send(
      queue,
      JSON.stringify({
        Records: [
          {
            eventVersion: '2.1',
            eventSource: 'aws:s3',
            awsRegion: 'us-east-1',
            eventTime: new Date().toISOString(),
            eventName: 'ObjectCreated:Post',
            s3: {
              bucket: { name: stack.runtime.functionConfig.uploadsBucket },
              object: { key: grant.key, size: html.length, eTag: refusal.etag, sequencer: refusal.sequencer },
            },
          },
        ],
      }),
    );
    await expect
      .poll(() => stack.runtime.queues.counts(queue).visible + stack.runtime.queues.counts(queue).inFlight, {
        timeout: 15_000,
      })
      .toBe(0);
    expect((await counters.read())['photos.replaced_refused']).toBe(refusedBefore + 1);
    const after = await photos.get('job-demo-1', grant.photo_id);
    expect(kept(after as never)).toEqual(kept(before as never));
    // Admins fetch the original: exactly the checked bytes, hashing to the recorded SHA-256.
    const evidence = await stack.call('GET', `/photos/${grant.photo_id}/original?job_id=job-demo-1`, {
      token: admin,
    });
    expect(evidence.status).toBe(200);
    expect(evidence.body).toMatchObject({
      photo_id: grant.photo_id,
      sha256: sha256(bytes),
      size: bytes.length,
      content_type: 'image/jpeg',
    });
    expect(new URL(evidence.body.url).searchParams.get('X-Amz-Expires')).toBe('900');
    const fetched = Buffer.from(await (await fetch(evidence.body.url)).arrayBuffer());
    expect(sha256(fetched)).toBe(before?.sha256);
    expect(fetched.equals(bytes)).toBe(true);
  });

  it('gives the original to admins only, and puts sha256 in the photo JSON of ready photos', async () => {
    const { grant, bytes } = await uploadReady();
    for (const token of [crew, customer]) {
      const refused = await stack.call('GET', `/photos/${grant.photo_id}/original?job_id=job-demo-1`, {
        token,
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
    }
    const list = await stack.call('GET', '/list-photos?job_id=job-demo-1', { token: customer });
    const listed = list.body.photos.find((p: { photo_id: string }) => p.photo_id === grant.photo_id);
    expect(listed.sha256).toBe(sha256(bytes));
    const bucket = stack.runtime.functionConfig.uploadsBucket;
    const kept = await clients.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: grant.key.replace(/^photos\//, 'originals/') }),
    );
    expect(sha256(Buffer.from((await kept.Body?.transformToByteArray()) ?? []))).toBe(listed.sha256);
  });

  it('acknowledges a duplicate of the accepted upload\'s event after the move: no "missing", no change', async () => {
    const { grant } = await uploadReady();
    const photos = new PhotoRepository(clients.dynamo, stack.runtime.functionConfig.tableName);
    const before = await photos.get('job-demo-1', grant.photo_id);
    const uploads = stack.runtime.queues;
    const queue = topology.queues.uploads.name;
    const record = {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: new Date().toISOString(),
      eventName: 'ObjectCreated:Post',
      s3: {
        bucket: { name: stack.runtime.functionConfig.uploadsBucket },
        object: { key: grant.key, size: before?.size, eTag: before?.etag, sequencer: before?.sequencer },
      },
    };
    uploads.send(queue, JSON.stringify({ Records: [record] }));
    await expect
      .poll(() => uploads.counts(queue).visible + uploads.counts(queue).inFlight, { timeout: 15_000 })
      .toBe(0);
    expect(kept((await photos.get('job-demo-1', grant.photo_id)) as never)).toEqual(kept(before as never));
  });
});
