import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../lib/aws/clients.ts';
import { JobRepository } from '../lib/repo/jobs.ts';
import { PHONE_GPS, phoneExif } from './fixtures/exif-images.ts';
import { bookQuote, counters, lapse, quoteRequest } from './helpers/booking.ts';
import { type LocalStack, postToS3, startLocalStack } from './helpers/local-stack.ts';

let stack: LocalStack;
let admin: string;
let crew: string;

beforeAll(async () => {
  stack = await startLocalStack({}, { schedules: false });
  admin = await stack.token('admin-demo', 'admin');
  crew = await stack.token('crew-demo', 'crew');
});
afterAll(() => stack?.stop());

const getQuote = (quoteId: string, token: string) => stack.call('GET', `/quotes/${quoteId}`, { token });

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('POST /book-quote', () => {
  it('prices a public request, makes a new customer and signs a customer token for the quote', async () => {
    // Act
    const out = await stack.call('POST', '/book-quote', { body: quoteRequest() });
    // Assess
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({
      status: 'open',
      price: { currency: 'usd', subtotal_cents: 53_000, tax_cents: 3_180, total_cents: 56_180 },
      customer_id: expect.stringMatching(/^cust-/),
      tracking_url: expect.stringContaining(`/track/quote-${out.body.quote_id}`),
    });
    const claims = decodeJwt(out.body.customer_token);
    expect(decodeProtectedHeader(out.body.customer_token).alg).toBe('ES256');
    expect(claims).toMatchObject({
      iss: 'qdn-customer',
      aud: 'qdn-api',
      sub: out.body.customer_id,
      qdn_role: 'customer',
    });
    expect((claims.exp as number) * 1000).toBe(
      Date.parse(out.body.expires_at) - (Date.parse(out.body.expires_at) % 1000),
    );
    const jwks = await stack.call('GET', '/.well-known/customer-jwks.json');
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).not.toHaveProperty('d');
  });

  it('keeps a customer token’s customer, refuses staff tokens, and names a bad field', async () => {
    const first = await bookQuote(stack);
    const second = await stack.call('POST', '/book-quote', {
      token: first.customer_token,
      body: quoteRequest(),
    });
    expect(second.body.customer_id).toBe(first.customer_id);
    expect((await stack.call('POST', '/book-quote', { token: crew, body: quoteRequest() })).status).toBe(403);
    const bad = await stack.call('POST', '/book-quote', { body: quoteRequest({ rental_days: 0 }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('rental_days');
    const concrete = await stack.call('POST', '/book-quote', {
      body: quoteRequest({ dumpster_size: '40yd', debris_type: 'concrete' }),
    });
    expect([concrete.status, concrete.body.error.code]).toEqual([400, 'invalid_request']);
  });
});

describe('GET /quotes/{quote_id}', () => {
  it('shows the quote to its customer and an admin; another customer or crew get 403', async () => {
    const quote = await bookQuote(stack);
    const other = await bookQuote(stack);
    expect((await getQuote(quote.quote_id, quote.customer_token)).body).toMatchObject({
      quote_id: quote.quote_id,
      status: 'open',
      payment_method: null,
      photo_ids: [],
      site: null,
      job_id: null,
    });
    expect((await getQuote(quote.quote_id, admin)).status).toBe(200);
    const foreign = await getQuote(quote.quote_id, other.customer_token);
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'forbidden']);
    expect((await getQuote(quote.quote_id, await stack.token('cust-demo', 'customer'))).status).toBe(403);
    expect((await getQuote(quote.quote_id, crew)).status).toBe(403);
    // A quote that does not exist looks forbidden to customers, honest 404 to admins.
    expect((await getQuote('01JQ0000000000000000000000', quote.customer_token)).status).toBe(403);
    expect((await getQuote('01JQ0000000000000000000000', admin)).status).toBe(404);
    expect((await stack.call('GET', `/quotes/${quote.quote_id}`)).status).toBe(401);
  });

  it('lets a customer token act only as a customer elsewhere (presign)', async () => {
    const quote = await bookQuote(stack);
    const crewJob = await stack.call('GET', '/list-photos?job_id=job-demo-1', {
      token: quote.customer_token,
    });
    expect(crewJob.status).toBe(403);
  });
});

describe('Zelle', () => {
  it('holds the quote with a unique memo; only an admin confirms, twice answers the same job', async () => {
    // Prepare
    const quote = await bookQuote(stack);
    const token = quote.customer_token;
    const before = (await counters(stack))['bookings.awaiting_zelle'] ?? 0;
    // Act
    const hold = await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
      token,
      body: { payment_method: 'zelle' },
    });
    const same = await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
      token,
      body: { payment_method: 'zelle' },
    });
    const held = (await counters(stack))['bookings.awaiting_zelle'];
    const byCrew = await stack.call('POST', `/quotes/${quote.quote_id}/zelle-received`, { token: crew });
    const byCustomer = await stack.call('POST', `/quotes/${quote.quote_id}/zelle-received`, { token });
    const first = await stack.call('POST', `/quotes/${quote.quote_id}/zelle-received`, { token: admin });
    const second = await stack.call('POST', `/quotes/${quote.quote_id}/zelle-received`, { token: admin });
    // Assess
    expect(hold.body).toEqual({
      recipient: 'payments@quickdumpnow.com',
      amount_cents: quote.price.total_cents,
      memo: expect.stringMatching(/^QDN-[0-9A-Z]{8}$/),
    });
    expect(same.body).toEqual(hold.body);
    expect(held).toBe(before + 1);
    expect([byCrew.status, byCustomer.status]).toEqual([403, 403]);
    expect(first.body).toEqual({
      quote_id: quote.quote_id,
      status: 'confirmed',
      job_id: `job-${quote.quote_id.toLowerCase()}`,
    });
    expect(second.body).toEqual(first.body);
    expect((await counters(stack))['bookings.awaiting_zelle']).toBe(before);
    const another = await bookQuote(stack);
    const otherHold = await stack.call('POST', `/quotes/${another.quote_id}/checkout`, {
      token: another.customer_token,
      body: { payment_method: 'zelle' },
    });
    expect(otherHold.body.memo).not.toBe(hold.body.memo);
  });

  it('ends three concurrent admin confirmations in one job, and the hold counted out once', async () => {
    const quote = await bookQuote(stack);
    await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
      token: quote.customer_token,
      body: { payment_method: 'zelle' },
    });
    const held = (await counters(stack))['bookings.awaiting_zelle'] ?? 0;
    const outs = await Promise.all(
      [1, 2, 3].map(() => stack.call('POST', `/quotes/${quote.quote_id}/zelle-received`, { token: admin })),
    );
    expect(outs.map((o) => o.status)).toEqual([200, 200, 200]);
    expect(new Set(outs.map((o) => o.body.job_id)).size).toBe(1);
    expect((await counters(stack))['bookings.awaiting_zelle']).toBe(held - 1);
  });

  it('refuses to confirm by Zelle a quote whose customer did not choose Zelle (409)', async () => {
    const quote = await bookQuote(stack);
    expect(
      (await stack.call('POST', `/quotes/${quote.quote_id}/zelle-received`, { token: admin })).status,
    ).toBe(409);
  });
});

describe('the expiry sweep', () => {
  it('expires lapsed quotes and Zelle holds, which then refuse checkout (409)', async () => {
    const open = await bookQuote(stack);
    const zelle = await bookQuote(stack);
    await stack.call('POST', `/quotes/${zelle.quote_id}/checkout`, {
      token: zelle.customer_token,
      body: { payment_method: 'zelle' },
    });
    const fresh = await bookQuote(stack);
    const held = (await counters(stack))['bookings.awaiting_zelle'] ?? 0;
    await lapse(stack, open.quote_id);
    await lapse(stack, zelle.quote_id);
    await stack.runtime.scheduler.run('expire-quotes');
    expect((await getQuote(open.quote_id, admin)).body.status).toBe('expired');
    expect((await getQuote(zelle.quote_id, admin)).body.status).toBe('expired');
    expect((await getQuote(fresh.quote_id, admin)).body.status).toBe('open');
    expect((await counters(stack))['bookings.awaiting_zelle']).toBe(held - 1);
    const late = await stack.call('POST', `/quotes/${open.quote_id}/checkout`, {
      token: open.customer_token,
      body: { payment_method: 'stripe' },
    });
    expect(late.status).toBe(409);
    // An admin who sees the Zelle money after the hold lapsed may still confirm it.
    const confirmed = await stack.call('POST', `/quotes/${zelle.quote_id}/zelle-received`, { token: admin });
    expect(confirmed.body.status).toBe('confirmed');
    expect((await counters(stack))['bookings.awaiting_zelle']).toBe(held - 1);
  });
});

describe('quote photos carried into the job', () => {
  it('lists a photo uploaded to the quote (and one still pending at confirmation) under the job', async () => {
    // Prepare: a photo with EXIF GPS, through the real local S3 and the pipeline.
    const quote = await bookQuote(stack);
    const token = quote.customer_token;
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#6a4' } })
      .jpeg()
      .withExif(phoneExif())
      .toBuffer();
    const grant = await stack.call('POST', '/upload-url', {
      token,
      body: {
        job_id: `quote-${quote.quote_id}`,
        filename: 'debris.jpg',
        content_type: 'image/jpeg',
        size: jpeg.length,
      },
    });
    expect(grant.status).toBe(200);
    expect((await postToS3(grant.body, jpeg, 'image/jpeg')).status).toBe(201);
    const seen = await eventually(
      () => getQuote(quote.quote_id, token),
      (q) => q.body.site !== null,
    );
    // Second photo: its URL is issued before confirmation, the bytes arrive after it.
    const late = await stack.call('POST', '/upload-url', {
      token,
      body: { job_id: `quote-${quote.quote_id}`, filename: 'late.jpg', content_type: 'image/jpeg' },
    });
    // Act
    await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
      token,
      body: { payment_method: 'zelle' },
    });
    const confirmed = await stack.call('POST', `/quotes/${quote.quote_id}/zelle-received`, { token: admin });
    const jobId = confirmed.body.job_id as string;
    await eventually(
      () => stack.call('GET', `/list-photos?job_id=${jobId}`, { token }),
      (l) => l.body.photos?.[0]?.status === 'ready',
    );
    expect((await postToS3(late.body, jpeg, 'image/jpeg')).status).toBe(201);
    const listed = await eventually(
      () => stack.call('GET', `/list-photos?job_id=${jobId}`, { token }),
      // A customer's list holds ready photos only: both are there once both are ready.
      (l) => l.body.photos?.length === 2,
    );
    // Assess
    expect(seen.body.site).toMatchObject({ source: 'exif', photo_id: grant.body.photo_id });
    expect(seen.body.site.lat).toBeCloseTo(PHONE_GPS.lat, 5);
    expect(seen.body.photo_ids).toEqual([grant.body.photo_id]);
    const shown = await eventually(
      () => getQuote(quote.quote_id, token),
      (q) => q.body.photos[0].thumbnails !== null,
    );
    expect((await fetch(shown.body.photos[0].thumbnails.small)).status).toBe(200);
    expect(JSON.stringify(shown.body)).not.toMatch(/(photos|originals)\/quote-/);
    expect(listed.status).toBe(200);
    expect(listed.body.photos.map((p: { photo_id: string }) => p.photo_id)).toEqual([
      grant.body.photo_id,
      late.body.photo_id,
    ]);
    for (const photo of listed.body.photos) {
      expect(photo.thumbnails.small).toMatch(/^http/);
      expect((await fetch(photo.thumbnails.small)).status).toBe(200);
      // The evidence of a quote photo is found under the job it became part of.
      const original = await stack.call('GET', `/photos/${photo.photo_id}/original?job_id=${jobId}`, {
        token: admin,
      });
      expect(original.status).toBe(200);
      expect(original.body.sha256).toBe(photo.sha256);
    }
    // The job: the quote's customer, size, date, and the site from the photo's EXIF.
    const { dynamo } = createAwsClients(stack.runtime.functionConfig);
    const job = await new JobRepository(dynamo, stack.runtime.functionConfig.tableName).get(jobId);
    const byCustomer = await dynamo.send(
      new QueryCommand({
        TableName: stack.runtime.functionConfig.tableName,
        IndexName: 'byCustomer',
        KeyConditionExpression: 'gsi1pk = :c',
        ExpressionAttributeValues: { ':c': `CUSTOMER#${quote.customer_id}` },
      }),
    );
    dynamo.destroy();
    expect(job).toMatchObject({
      customerId: quote.customer_id,
      dumpsterSize: '20yd',
      quoteId: quote.quote_id,
      status: 'scheduled',
    });
    expect(job?.site?.lat).toBeCloseTo(PHONE_GPS.lat, 5);
    expect(job?.siteSource).toEqual({ source: 'exif', photoId: grant.body.photo_id });
    expect(byCustomer.Items?.map((i) => i.jobId)).toEqual([jobId]);
    // The job's own photos (an admin's, under the job) and the quote's page together, in upload order.
    const own = await stack.call('POST', '/upload-url', {
      token: admin,
      body: { job_id: jobId, filename: 'dropoff.jpg', content_type: 'image/jpeg' },
    });
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { photos: Array<{ photo_id: string }>; next_cursor: string | null } } =
        // The admin's view: the job's own photo is still pending, which a customer is not shown.
        await stack.call('GET', `/list-photos?job_id=${jobId}&limit=1${cursor ? `&cursor=${cursor}` : ''}`, {
          token: admin,
        });
      pages.push(...page.body.photos.map((p) => p.photo_id));
      cursor = page.body.next_cursor;
    } while (cursor && pages.length < 10);
    expect(pages).toEqual([grant.body.photo_id, late.body.photo_id, own.body.photo_id]);
    // Decided: a confirmed quote still takes photos from its customer, and they show under the job.
    const after = await stack.call('POST', '/upload-url', {
      token,
      body: { job_id: `quote-${quote.quote_id}`, filename: 'more.jpg', content_type: 'image/jpeg' },
    });
    expect(after.status).toBe(200);
    const withAfter = await stack.call('GET', `/list-photos?job_id=${jobId}`, { token: admin });
    expect(withAfter.body.photos.map((p: { photo_id: string }) => p.photo_id)).toContain(after.body.photo_id);
    // Another customer cannot list the job; crew not assigned neither.
    const other = await bookQuote(stack);
    expect(
      (await stack.call('GET', `/list-photos?job_id=${jobId}`, { token: other.customer_token })).status,
    ).toBe(403);
  });
});
