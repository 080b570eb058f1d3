import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookQuote } from './helpers/booking.ts';
import { type LocalStack, postToS3, startLocalStack } from './helpers/local-stack.ts';
import { makePhoto } from './helpers/photos.ts';

// The server-side privacy of `/list-photos`, the jobs listing and the two ops lists, against the
// local runtime: one stack for the file (the machine is shared).
let stack: LocalStack;
let crew: string;
let customer: string;
let other: string;
let admin: string;
let readyId: string;
let rejectedId: string;

async function upload(token: string, filename: string, bytes: Uint8Array, type = 'image/jpeg') {
  const grant = await stack.call('POST', '/upload-url', {
    token,
    body: {
      job_id: 'job-demo-1',
      filename,
      content_type: type,
      size: bytes.length,
      gps: { lat: 39.9526, lon: -75.1652, accuracy_m: 9 },
    },
  });
  expect(grant.status).toBe(200);
  expect((await postToS3(grant.body, bytes, type, filename)).status).toBe(201);
  return grant.body.photo_id as string;
}

async function staffPhoto(id: string) {
  const list = await stack.call('GET', '/list-photos?job_id=job-demo-1', { token: crew });
  return list.body.photos.find((p: { photo_id: string }) => p.photo_id === id);
}

/** Waits for a photo to reach `status` (expect.poll is for tests, not hooks). */
async function settle(id: string, status: string): Promise<void> {
  const until = Date.now() + 30_000;
  while ((await staffPhoto(id))?.status !== status) {
    if (Date.now() > until) throw new Error(`photo ${id} never reached ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  stack = await startLocalStack();
  [crew, customer, other, admin] = await Promise.all([
    stack.token('crew-demo', 'crew'),
    stack.token('cust-demo', 'customer'),
    stack.token('cust-other', 'customer'),
    stack.token('admin-demo', 'admin'),
  ]);
  readyId = await upload(crew, 'kitchen wall.jpg', await makePhoto('ok'));
  rejectedId = await upload(
    crew,
    'notes.jpg',
    new TextEncoder().encode('these are not the bytes of a photo'),
  );
  await settle(readyId, 'ready');
  await settle(rejectedId, 'rejected');
}, 60_000);
afterAll(() => stack?.stop());

describe('GET /list-photos for a customer', () => {
  it('answers only ready photos and none of the internal fields', async () => {
    // Act
    const out = await stack.call('GET', '/list-photos?job_id=job-demo-1', { token: customer });
    // Assess
    expect(out.status).toBe(200);
    const ids = out.body.photos.map((p: { photo_id: string }) => p.photo_id);
    expect(ids).toContain(readyId);
    expect(ids).not.toContain(rejectedId);
    for (const photo of out.body.photos) {
      expect(photo.status).toBe('ready');
      expect(Object.keys(photo).sort()).toEqual(
        [
          'gps',
          'height',
          'photo_id',
          'sha256',
          'status',
          'taken_at',
          'thumbnails',
          'uploaded_at',
          'width',
        ].sort(),
      );
    }
    const text = JSON.stringify(out.body);
    for (const internal of [
      'far_from_site',
      'distance',
      'reason',
      'uploader',
      'accuracy',
      'crew-demo',
      'notes.jpg',
    ]) {
      expect(text).not.toContain(internal);
    }
  });

  it('gives crew the full view: the refused file with its reason code and filename', async () => {
    const refused = await staffPhoto(rejectedId);
    expect(refused).toMatchObject({ status: 'rejected', reason_code: 'not_an_image', filename: 'notes.jpg' });
    expect(refused.reason).toMatch(/not a JPEG/);
    expect(await staffPhoto(readyId)).toMatchObject({
      status: 'ready',
      reason: null,
      reason_code: null,
      filename: 'kitchen wall.jpg',
      far_from_site: false,
    });
  });
});

describe('GET /jobs and GET /jobs/{job_id}', () => {
  it('lists every job for an admin (newest first), the assigned ones for crew, a customer their own', async () => {
    const list = (token: string) => stack.call('GET', '/jobs', { token });
    const [all, mine, own, others] = await Promise.all([
      list(admin),
      list(crew),
      list(customer),
      list(other),
    ]);
    expect(all.status).toBe(200);
    expect(all.body.jobs.map((j: { job_id: string }) => j.job_id).sort()).toEqual([
      'job-demo-1',
      'job-demo-2',
    ]);
    expect(mine.body.jobs.map((j: { job_id: string }) => j.job_id)).toEqual(['job-demo-1']);
    expect(own.body.jobs.map((j: { job_id: string }) => j.job_id)).toEqual(['job-demo-1']);
    expect(others.body.jobs.map((j: { job_id: string }) => j.job_id)).toEqual(['job-demo-2']);
    expect(mine.body.jobs[0]).toMatchObject({
      status: 'scheduled',
      address: expect.stringContaining('Philadelphia'),
      dumpster_size: '20yd',
      delivery_date: '2026-12-07',
      rental_days: 7,
      pickup_date: '2026-12-14',
      site: { lat: 39.9526, lon: -75.1652 },
      customer_id: 'cust-demo',
      crew_ids: ['crew-demo'],
    });
    // Who else works on a job is not the customer's business.
    expect(own.body.jobs[0]).not.toHaveProperty('crew_ids');
  });

  it('pages with a cursor and refuses a cursor it did not write', async () => {
    const first = await stack.call('GET', '/jobs?limit=1', { token: admin });
    expect(first.body.jobs).toHaveLength(1);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await stack.call('GET', `/jobs?limit=1&cursor=${first.body.next_cursor}`, {
      token: admin,
    });
    expect(second.body.jobs).toHaveLength(1);
    expect(second.body.jobs[0].job_id).not.toBe(first.body.jobs[0].job_id);
    const bad = await stack.call('GET', '/jobs?cursor=bm90LWEtY3Vyc29y', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
  });

  it('shows a booked job in the admin list once its quote is confirmed', async () => {
    const quote = await bookQuote(stack);
    await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
      token: quote.customer_token,
      body: { payment_method: 'zelle' },
    });
    const waiting = await stack.call('GET', '/ops/zelle', { token: admin });
    expect(waiting.status).toBe(200);
    const listed = waiting.body.quotes.find((q: { quote_id: string }) => q.quote_id === quote.quote_id);
    expect(listed).toMatchObject({
      amount_cents: quote.price.total_cents,
      customer_id: quote.customer_id,
      customer_name: 'Pat Roofer',
      memo: expect.any(String),
      since: expect.any(String),
    });
    const confirmed = await stack.call('POST', `/quotes/${quote.quote_id}/zelle-received`, { token: admin });
    const jobId = confirmed.body.job_id;
    const after = await stack.call('GET', '/ops/zelle', { token: admin });
    expect(after.body.quotes.map((q: { quote_id: string }) => q.quote_id)).not.toContain(quote.quote_id);
    const all = await stack.call('GET', '/jobs', { token: admin });
    expect(all.body.jobs[0]).toMatchObject({ job_id: jobId, rental_days: 10, dumpster_size: '20yd' });
    const own = await stack.call('GET', '/jobs', { token: quote.customer_token });
    expect(own.body.jobs.map((j: { job_id: string }) => j.job_id)).toEqual([jobId]);
  });

  it('answers one job with the list-photos access: not-yours and unknown alike for non-admins', async () => {
    expect((await stack.call('GET', '/jobs/job-demo-1', { token: customer })).body).toMatchObject({
      job_id: 'job-demo-1',
      delivery_date: '2026-12-07',
    });
    const notYours = await stack.call('GET', '/jobs/job-demo-2', { token: customer });
    const unknown = await stack.call('GET', '/jobs/job-nope', { token: customer });
    const crewNotAssigned = await stack.call('GET', '/jobs/job-demo-2', { token: crew });
    for (const out of [notYours, unknown, crewNotAssigned]) {
      expect(out.status).toBe(403);
      expect(out.body.error.code).toBe('forbidden');
    }
    expect((await stack.call('GET', '/jobs/job-nope', { token: admin })).status).toBe(404);
    expect((await stack.call('GET', '/jobs/bad%20id', { token: admin })).status).toBe(400);
    expect((await stack.call('GET', '/jobs')).status).toBe(401);
  });
});

describe('GET /ops/photos and GET /ops/zelle', () => {
  it('lists refused photos across jobs from the status index, admins only', async () => {
    const out = await stack.call('GET', '/ops/photos?status=rejected', { token: admin });
    expect(out.status).toBe(200);
    expect(out.body.photos).toContainEqual(
      expect.objectContaining({
        photo_id: rejectedId,
        job_id: 'job-demo-1',
        status: 'rejected',
        reason_code: 'not_an_image',
        filename: 'notes.jpg',
      }),
    );
    expect((await stack.call('GET', '/ops/photos?status=failed', { token: admin })).body.photos).toEqual([]);
    expect((await stack.call('GET', '/ops/photos?status=ready', { token: admin })).status).toBe(400);
    expect((await stack.call('GET', '/ops/photos?cursor=eHg', { token: admin })).status).toBe(400);
    for (const token of [crew, customer]) {
      expect((await stack.call('GET', '/ops/photos', { token })).status).toBe(403);
      expect((await stack.call('GET', '/ops/zelle', { token })).status).toBe(403);
    }
  });
});
