import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoTransitions } from '../lib/repo/photo-transitions.ts';
import { PhotoRepository } from '../lib/repo/photos.ts';
import { type LocalDynamo, startDynalite } from '../local/dynamo/dynalite-server.ts';

const credentials = { accessKeyId: 'k', secretAccessKey: 's' };
let dir: string;
let dynamo: LocalDynamo;
let transitions: PhotoTransitions;
let photos: PhotoRepository;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qdn-lease-'));
  dynamo = await startDynalite({
    host: '127.0.0.1',
    dataDir: dir,
    tableName: 'photos',
    region: 'us-east-1',
    credentials,
  });
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: dynamo.url, region: 'us-east-1', credentials }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  transitions = new PhotoTransitions(db, 'photos');
  photos = new PhotoRepository(db, 'photos');
});
afterAll(async () => {
  await dynamo?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('emit leases after a crash (issue 11, finding 2)', () => {
  it("lets a new process take over at once a claim its crashed predecessor left, never a live one's", async () => {
    // Prepare
    const photoId = '01JD3ZQ4X6V8Y9ZAB7C5D2E999';
    await photos.putPending({
      jobId: 'job-1',
      photoId,
      key: `photos/job-1/${photoId}.jpg`,
      status: 'pending',
      createdAt: new Date().toISOString(),
      uploader: { sub: 'crew', role: 'crew' },
      declaredType: 'image/jpeg',
      declaredSize: null,
      originalName: 'x.jpg',
      deviceGps: null,
      urlExpiresAt: new Date().toISOString(),
    });
    const v1 = { jobId: 'job-1', photoId, sequencer: '1'.padStart(32, '0') };
    const lease = 30_000;
    const now = Date.now();
    // Act / Assess: the old process claimed, then died before sending.
    expect(await transitions.claimEvent(v1, 'photo.received', lease, now, 'old-process')).toBe(true);
    // The same process (a concurrent duplicate) respects its own fresh claim.
    expect(await transitions.claimEvent(v1, 'photo.received', lease, now + 1000, 'old-process')).toBe(false);
    // Without an owner (on AWS) only the lease's expiry frees it.
    expect(await transitions.claimEvent(v1, 'photo.received', lease, now + 1000)).toBe(false);
    // The restarted process takes it over within the lease.
    expect(await transitions.claimEvent(v1, 'photo.received', lease, now + 1000, 'new-process')).toBe(true);
    await transitions.markEventSent(v1, 'photo.received');
    expect(await transitions.claimEvent(v1, 'photo.received', lease, now + 2000, 'newer-process')).toBe(
      false,
    );
  });
});
