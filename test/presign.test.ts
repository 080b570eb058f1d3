import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, importJWK, SignJWT, UnsecuredJWT } from 'jose';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ISSUER } from '../local/identity/dev-identity.ts';
import { type LocalStack, postToS3, startLocalStack } from './helpers/local-stack.ts';

let stack: LocalStack;
let crew: string;
let customer: string;
let other: string;
let admin: string;
let jpeg: Buffer;

beforeAll(async () => {
  // Pollers off: these tests look at what presign records, not at what the workers do next.
  stack = await startLocalStack(
    { QDN_MAX_UPLOAD_BYTES: '20000', QDN_UPLOAD_RATE_PER_MINUTE: '50' },
    { pollers: false },
  );
  [crew, customer, other, admin] = await Promise.all([
    stack.token('crew-demo', 'crew'),
    stack.token('cust-demo', 'customer'),
    stack.token('cust-other', 'customer'),
    stack.token('admin-demo', 'admin'),
  ]);
  jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c33' } })
    .jpeg()
    .toBuffer();
});
afterAll(() => stack?.stop());

const uploadRequest = (overrides: Record<string, unknown> = {}) => ({
  job_id: 'job-demo-1',
  filename: 'IMG_0001.JPG',
  content_type: 'image/jpeg',
  size: 1234,
  gps: { lat: 39.95, lon: -75.16, accuracy_m: 8 },
  ...overrides,
});

describe('POST /upload-url', () => {
  it('lets assigned crew upload: presign → POST to the local S3 → 201, photo pending', async () => {
    // Act
    const grant = await stack.call('POST', '/upload-url', { token: crew, body: uploadRequest() });
    // Assess
    expect(grant.status).toBe(200);
    expect(grant.body).toMatchObject({ max_bytes: 20000, photo_id: expect.stringMatching(/^[0-9A-Z]{26}$/) });
    expect(grant.body.key).toBe(`photos/job-demo-1/${grant.body.photo_id}.jpg`);
    const posted = await postToS3(grant.body, jpeg, 'image/jpeg');
    expect(posted.status).toBe(201);
    const list = await stack.call('GET', '/list-photos?job_id=job-demo-1', { token: crew });
    const photo = list.body.photos.find((p: { photo_id: string }) => p.photo_id === grant.body.photo_id);
    expect(photo).toMatchObject({ status: 'pending', thumbnails: null });
  });

  it('refuses crew on a job they are not assigned to, and customers on jobs (403)', async () => {
    expect(
      (
        await stack.call('POST', '/upload-url', {
          token: crew,
          body: uploadRequest({ job_id: 'job-demo-2' }),
        })
      ).status,
    ).toBe(403);
    expect((await stack.call('POST', '/upload-url', { token: customer, body: uploadRequest() })).status).toBe(
      403,
    );
  });

  it('answers a nonexistent job like a forbidden one, except to an admin', async () => {
    const hidden = await stack.call('POST', '/upload-url', {
      token: crew,
      body: uploadRequest({ job_id: 'job-nope' }),
    });
    const forbidden = await stack.call('POST', '/upload-url', {
      token: crew,
      body: uploadRequest({ job_id: 'job-demo-2' }),
    });
    expect(hidden.status).toBe(403);
    expect(hidden.body.error.message.replace('job-nope', 'X')).toBe(
      forbidden.body.error.message.replace('job-demo-2', 'X'),
    );
    expect(
      (await stack.call('POST', '/upload-url', { token: admin, body: uploadRequest({ job_id: 'job-nope' }) }))
        .status,
    ).toBe(404);
  });

  it('refuses a declared size over the limit (413) and a type outside the allow-list (415)', async () => {
    const big = await stack.call('POST', '/upload-url', {
      token: crew,
      body: uploadRequest({ size: 20001 }),
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('too_large');
    for (const type of ['image/svg+xml', 'text/html', 'image/gif', 'application/pdf']) {
      const out = await stack.call('POST', '/upload-url', {
        token: crew,
        body: uploadRequest({ content_type: type }),
      });
      expect(out.status).toBe(415);
      expect(out.body.error.code).toBe('unsupported_type');
    }
  });

  it('answers malformed bodies with 400 naming the field', async () => {
    const out = await stack.call('POST', '/upload-url', {
      token: crew,
      body: uploadRequest({ job_id: '../../etc' }),
    });
    expect(out.status).toBe(400);
    expect(out.body.error).toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('job_id'),
    });
    const gps = await stack.call('POST', '/upload-url', {
      token: crew,
      body: uploadRequest({ gps: { lat: 95, lon: 0 } }),
    });
    expect(gps.body.error.message).toContain('gps.lat');
  });

  it.each([
    '../../x.jpg',
    'a/b.jpg',
    'evil\u0000.jpg',
    `${'x'.repeat(300)}.jpg`,
    '<img onerror=alert(1)>.jpg',
    '',
  ])('never lets the filename %j reach the key', async (filename) => {
    const out = await stack.call('POST', '/upload-url', { token: crew, body: uploadRequest({ filename }) });
    expect(out.status).toBe(200);
    expect(out.body.key).toMatch(/^photos\/job-demo-1\/[0-9A-Z]{26}\.jpg$/);
    expect(JSON.stringify(out.body.fields)).not.toContain('onerror');
  });

  it('has the endpoint refuse a file one byte over the limit, and accept exactly the limit', async () => {
    const over = await stack.call('POST', '/upload-url', { token: crew, body: uploadRequest() });
    const refused = await postToS3(over.body, new Uint8Array(20001), 'image/jpeg');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('<Code>EntityTooLarge</Code>');
    const exact = await stack.call('POST', '/upload-url', { token: crew, body: uploadRequest() });
    expect((await postToS3(exact.body, new Uint8Array(20000), 'image/jpeg')).status).toBe(201);
  });

  it('has the endpoint refuse another Content-Type than the one pinned', async () => {
    const grant = await stack.call('POST', '/upload-url', { token: crew, body: uploadRequest() });
    const fields = { ...grant.body.fields, 'Content-Type': 'text/html' };
    const res = await postToS3({ url: grant.body.url, fields }, jpeg, 'text/html');
    expect(res.status).toBe(403);
  });

  it('lets a client still sending a refused 8 MB file read the 403, not a reset', async () => {
    // The endpoint refuses at the form fields; the client is mid-upload. Before the refused body
    // was read to its end, `fetch` lost the answer to EPIPE in 6–12 of 30 tries.
    const big = Buffer.alloc(8 * 1024 * 1024, 1);
    for (let i = 0; i < 10; i++) {
      const grant = await stack.call('POST', '/upload-url', { token: crew, body: uploadRequest() });
      const fields = { ...grant.body.fields, 'Content-Type': 'text/html' };
      const res = await postToS3({ url: grant.body.url, fields }, big, 'text/html');
      expect(res.status).toBe(403);
    }
  });
});

describe('POST /upload-url with an expired policy', () => {
  let short: LocalStack;
  beforeAll(async () => {
    short = await startLocalStack({ QDN_UPLOAD_URL_TTL_SECONDS: '1' }, { pollers: false });
  });
  afterAll(() => short?.stop());

  it('is refused by the endpoint once the policy expired', async () => {
    const token = await short.token('crew-demo', 'crew');
    const grant = await short.call('POST', '/upload-url', { token, body: uploadRequest() });
    await new Promise((r) => setTimeout(r, 2100));
    const res = await postToS3(grant.body, jpeg, 'image/jpeg');
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Policy expired');
  });
});

describe('GET /list-photos', () => {
  it('lets a customer list their own job (200) but not another customer’s (403)', async () => {
    const own = await stack.call('GET', '/list-photos?job_id=job-demo-1', { token: customer });
    expect(own.status).toBe(200);
    expect(own.body.job_id).toBe('job-demo-1');
    expect((await stack.call('GET', '/list-photos?job_id=job-demo-1', { token: other })).status).toBe(403);
    expect((await stack.call('GET', '/list-photos?job_id=job-demo-2', { token: other })).status).toBe(200);
  });

  it('never links an original, and paginates with a cursor in upload order', async () => {
    for (let i = 0; i < 3; i++)
      await stack.call('POST', '/upload-url', {
        token: admin,
        body: uploadRequest({ job_id: 'job-demo-2' }),
      });
    const first = await stack.call('GET', '/list-photos?job_id=job-demo-2&limit=2', { token: admin });
    expect(first.body.photos).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await stack.call(
      'GET',
      `/list-photos?job_id=job-demo-2&limit=2&cursor=${first.body.next_cursor}`,
      { token: admin },
    );
    const ids = [...first.body.photos, ...second.body.photos].map((p: { photo_id: string }) => p.photo_id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(JSON.stringify([first.body, second.body])).not.toContain('photos/');
  });
});

describe('authentication', () => {
  /** Signs with the dev issuer's own key (read from the data folder), so only the claims differ. */
  async function devSigned(claims: {
    exp?: number;
    iss?: string;
    aud?: string;
    role?: unknown;
  }): Promise<string> {
    const jwk = JSON.parse(
      await readFile(join(stack.runtime.dataDir, 'identity', 'signing-key.json'), 'utf8'),
    );
    const key = await importJWK(jwk, 'ES256');
    return new SignJWT({ qdn_role: claims.role ?? 'crew' })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
      .setSubject('crew-demo')
      .setIssuer(claims.iss ?? DEV_ISSUER)
      .setAudience(claims.aud ?? 'qdn-api')
      .setExpirationTime(claims.exp ?? '5m')
      .sign(key);
  }

  it("accepts a token the dev issuer's key signs with the right claims", async () => {
    const out = await stack.call('GET', '/list-photos?job_id=job-demo-1', { token: await devSigned({}) });
    expect(out.status).toBe(200);
  });

  const cases: Array<[string, () => Promise<string | undefined>]> = [
    ['missing', async () => undefined],
    ['expired', () => devSigned({ exp: Math.floor(Date.now() / 1000) - 600 })],
    [
      'alg none',
      async () =>
        new UnsecuredJWT({ qdn_role: 'admin' })
          .setSubject('admin-demo')
          .setIssuer(DEV_ISSUER)
          .setAudience('qdn-api')
          .setExpirationTime('5m')
          .encode(),
    ],
    [
      'another key',
      async () =>
        new SignJWT({ qdn_role: 'crew' })
          .setProtectedHeader({ alg: 'ES256' })
          .setSubject('crew-demo')
          .setIssuer(DEV_ISSUER)
          .setAudience('qdn-api')
          .setExpirationTime('5m')
          .sign((await generateKeyPair('ES256')).privateKey),
    ],
    ['wrong issuer', () => devSigned({ iss: 'https://evil.example' })],
    ['wrong audience', () => devSigned({ aud: 'another-api' })],
  ];
  it.each(cases)('refuses a %s token with 401', async (_name, make) => {
    const token = await make();
    const out = await stack.call('GET', '/list-photos?job_id=job-demo-1', token ? { token } : {});
    expect(out.status).toBe(401);
    expect(out.body.error.code).toBe('unauthenticated');
  });

  it('refuses a role list or an unknown role with 403', async () => {
    for (const role of [['admin'], 'root']) {
      const out = await stack.call('GET', '/list-photos?job_id=job-demo-1', {
        token: await devSigned({ role }),
      });
      expect(out.status).toBe(403);
    }
  });
});

describe('limits', () => {
  let limited: LocalStack;
  beforeAll(async () => {
    limited = await startLocalStack(
      { QDN_UPLOAD_RATE_PER_MINUTE: '3', QDN_MAX_PHOTOS_PER_JOB: '2' },
      { pollers: false },
    );
  });
  afterAll(() => limited?.stop());

  it('answers 429 with Retry-After once a caller spends their per-minute budget', async () => {
    const token = await limited.token('crew-demo', 'crew');
    // Budgets are per clock minute: retry once if the minute rolled over during the four calls.
    for (let attempt = 0; attempt < 2; attempt++) {
      const minute = Math.floor(Date.now() / 60_000);
      const calls = [];
      for (let i = 0; i < 4; i++) {
        calls.push(
          await limited.call('POST', '/upload-url', { token, body: uploadRequest({ job_id: 'job-demo-1' }) }),
        );
      }
      if (Math.floor(Date.now() / 60_000) !== minute) continue;
      expect(calls.slice(0, 3).map((c) => c.status)).not.toContain(429);
      expect(calls[3]?.status).toBe(429);
      expect(calls[3]?.body.error.code).toBe('rate_limited');
      expect(Number(calls[3]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      return;
    }
    throw new Error('the minute rolled over twice during the test');
  });

  it('answers 409 past the per-job photo cap', async () => {
    const token = await limited.token('admin-demo', 'admin');
    const first = await limited.call('POST', '/upload-url', {
      token,
      body: uploadRequest({ job_id: 'job-demo-2' }),
    });
    const second = await limited.call('POST', '/upload-url', {
      token,
      body: uploadRequest({ job_id: 'job-demo-2' }),
    });
    const third = await limited.call('POST', '/upload-url', {
      token,
      body: uploadRequest({ job_id: 'job-demo-2' }),
    });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 409]);
    expect(third.body.error.code).toBe('conflict');
    // The refused request leaves no photo behind: the job lists exactly the two it granted.
    const listed = await limited.call('GET', '/list-photos?job_id=job-demo-2', { token });
    expect(listed.body.photos.map((p: { photo_id: string }) => p.photo_id).sort()).toEqual(
      [first.body.photo_id, second.body.photo_id].sort(),
    );
  });
});
