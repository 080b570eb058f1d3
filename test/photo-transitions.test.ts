import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoTransitions, type ReceivedFacts } from '../lib/repo/photo-transitions.ts';
import { PhotoRepository } from '../lib/repo/photos.ts';
import { type LocalDynamo, startDynalite } from '../local/dynamo/dynalite-server.ts';

const credentials = { accessKeyId: 'k', secretAccessKey: 's' };
let dir: string;
let dynamo: LocalDynamo;
let transitions: PhotoTransitions;
let photos: PhotoRepository;
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qdn-transitions-'));
  dynamo = await startDynalite({
    host: '127.0.0.1',
    dataDir: dir,
    tableName: 'photos',
    region: 'us-east-1',
    credentials,
  });
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: dynamo.url, region: 'us-east-1', credentials }),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  transitions = new PhotoTransitions(db, 'photos');
  photos = new PhotoRepository(db, 'photos');
});
afterAll(async () => {
  await dynamo?.close();
  await rm(dir, { recursive: true, force: true });
});

const seq = (s: string) => s.padStart(32, '0');

async function pendingPhoto() {
  n += 1;
  const photoId = `01JD3ZQ4X6V8Y9ZAB7C5D2E${String(n).padStart(3, '0')}`;
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
  return photoId;
}

const facts = (photoId: string, sequencer: string): ReceivedFacts => ({
  jobId: 'job-1',
  photoId,
  key: `photos/job-1/${photoId}.jpg`,
  sequencer,
  size: 10,
  etag: 'e',
  sniffedType: 'image/jpeg',
  receivedAt: new Date().toISOString(),
  takenAt: null,
  gps: null,
  exif: null,
  distanceM: null,
  farFromSite: false,
});

const ready = (photoId: string, sequencer: string) =>
  transitions.ready({
    jobId: 'job-1',
    photoId,
    sequencer,
    width: 1,
    height: 1,
    thumbnails: {},
    sha256: 'x',
    readyAt: 'now',
  });

describe('PhotoTransitions', () => {
  it('moves pending → received → ready and calls repeats duplicates', async () => {
    const id = await pendingPhoto();
    expect(await transitions.received(facts(id, seq('10')))).toBe('recorded');
    expect(await transitions.received(facts(id, seq('10')))).toBe('duplicate');
    expect(await ready(id, seq('10'))).toBe('recorded');
    expect(await ready(id, seq('10'))).toBe('duplicate');
    expect((await photos.get('job-1', id))?.status).toBe('ready');
  });

  it('never moves a ready or rejected photo back', async () => {
    const id = await pendingPhoto();
    await transitions.received(facts(id, seq('10')));
    await ready(id, seq('10'));
    expect(await transitions.received(facts(id, seq('20')))).toBe('final');
    expect(
      await transitions.verdict(
        { jobId: 'job-1', photoId: id, key: 'k', sequencer: seq('10') },
        'rejected',
        'c',
        'r',
      ),
    ).toBe('final');
    expect((await photos.get('job-1', id))?.status).toBe('ready');
  });

  it('lets no older event overwrite a newer one', async () => {
    const id = await pendingPhoto();
    await transitions.received(facts(id, seq('20')));
    expect(await transitions.received(facts(id, seq('10')))).toBe('stale');
    expect(
      await transitions.verdict(
        { jobId: 'job-1', photoId: id, key: 'k', sequencer: seq('10') },
        'rejected',
        'c',
        'r',
      ),
    ).toBe('stale');
    expect(await ready(id, seq('10'))).toBe('stale');
    expect((await photos.get('job-1', id))?.sequencer).toBe(seq('20'));
  });

  it('lets a redriven delivery retry a photo that was marked failed', async () => {
    const id = await pendingPhoto();
    const target = { jobId: 'job-1', photoId: id, key: 'k', sequencer: seq('10') };
    expect(await transitions.verdict(target, 'failed', 'processing_failed', 'S3 was down')).toBe('recorded');
    expect(await transitions.received(facts(id, seq('10')))).toBe('recorded');
    expect(await transitions.verdict(target, 'failed', 'processing_failed', 'decode crashed')).toBe(
      'recorded',
    );
    expect(await ready(id, seq('10'))).toBe('recorded');
  });

  it('keeps a photo the thumbnail stage gave up on failed when a late duplicate upload event arrives', async () => {
    const id = await pendingPhoto();
    await transitions.received(facts(id, seq('10')));
    const target = { jobId: 'job-1', photoId: id, key: 'k', sequencer: seq('10') };
    expect(await transitions.verdict(target, 'failed', 'processing_failed', 'decode crashed')).toBe(
      'recorded',
    );
    expect(await transitions.received(facts(id, seq('10')))).toBe('stale');
    expect(await photos.get('job-1', id)).toMatchObject({ status: 'failed', reason: 'decode crashed' });
    // A newer upload of the same key is a new version and is checked again.
    expect(await transitions.received(facts(id, seq('20')))).toBe('recorded');
  });

  it('claims an event once per version, gives the claim back after a failed put, and lets a stale claim go', async () => {
    const id = await pendingPhoto();
    const v1 = { jobId: 'job-1', photoId: id, sequencer: seq('10') };
    const lease = 30_000;
    expect(await transitions.claimEvent(v1, 'photo.received', lease)).toBe(true);
    expect(await transitions.claimEvent(v1, 'photo.received', lease)).toBe(false);
    // A failed put gives it back.
    await transitions.releaseEvent(v1, 'photo.received');
    expect(await transitions.claimEvent(v1, 'photo.received', lease)).toBe(true);
    // The holder crashed: after the lease a retry takes the claim over.
    expect(await transitions.claimEvent(v1, 'photo.received', lease, Date.now() + lease + 1)).toBe(true);
    // Once sent, nothing claims it again, not even after the lease.
    await transitions.markEventSent(v1, 'photo.received');
    expect(await transitions.claimEvent(v1, 'photo.received', lease, Date.now() + 10 * lease)).toBe(false);
    // Releasing v1 never frees a newer version's claim.
    const v2 = { ...v1, sequencer: seq('20') };
    expect(await transitions.claimEvent(v2, 'photo.received', lease)).toBe(true);
    await transitions.releaseEvent(v1, 'photo.received');
    expect(await transitions.claimEvent(v2, 'photo.received', lease)).toBe(false);
  });

  it('takes the claim to emit the event in the state write, so no other delivery emits it', async () => {
    const id = await pendingPhoto();
    const v1 = { jobId: 'job-1', photoId: id, sequencer: seq('10') };
    const lease = 30_000;
    const claim = { marker: 'photo.received', at: Date.now(), owner: 'this-process' };
    expect(await transitions.received(facts(id, seq('10')), claim)).toBe('recorded');
    // A concurrent delivery of the same version finds the claim held…
    expect(await transitions.claimEvent(v1, 'photo.received', lease, Date.now(), 'this-process')).toBe(false);
    // …a redelivery of it records nothing and does not take the claim with it.
    expect(await transitions.received(facts(id, seq('10')), claim)).toBe('duplicate');
    expect(await transitions.claimEvent(v1, 'photo.received', lease, Date.now(), 'this-process')).toBe(false);
    // A crashed holder's claim is taken over after the lease, like one taken by claimEvent.
    expect(await transitions.claimEvent(v1, 'photo.received', lease, Date.now() + lease + 1)).toBe(true);
    await transitions.markEventSent(v1, 'photo.received');
    expect(await transitions.claimEvent(v1, 'photo.received', lease, Date.now() + 10 * lease)).toBe(false);
    // The same for `ready` and photo.processed; without a claim a state write takes none.
    const ready = {
      ...v1,
      width: 4000,
      height: 3000,
      thumbnails: { w320: 'thumbs/a' },
      sha256: 'ab'.repeat(32),
      readyAt: new Date().toISOString(),
    };
    expect(await transitions.ready(ready, { marker: 'photo.processed', at: Date.now() })).toBe('recorded');
    expect(await transitions.claimEvent(v1, 'photo.processed', lease)).toBe(false);
    const other = await pendingPhoto();
    const o1 = { jobId: 'job-1', photoId: other, sequencer: seq('10') };
    expect(await transitions.received(facts(other, seq('10')))).toBe('recorded');
    expect(await transitions.claimEvent(o1, 'photo.received', lease)).toBe(true);
  });
});
