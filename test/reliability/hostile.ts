import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { allFinal, statusesOf } from './audit.ts';
import { completedEvent, openCardQuote, postWebhook, sign, webhookSecret } from './booking.ts';
import type { RuntimeChild } from './child.ts';
import { awsClients, call, grant, photoRecords, post, sleep, token, until } from './client.ts';
import { badFiles, EXIF_MARKUP } from './hostile-files.ts';
import { smallPhoto } from './photos.ts';
import type { Row } from './row.ts';

const ISSUER = 'https://dev-issuer.qdn.local';

/** A staff token signed with `key` (the runtime's own, read from its data folder, or another). */
async function staffToken(key: JWK, claims: { iat?: number; exp?: number }) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ qdn_role: 'crew' })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid as string, typ: 'JWT' })
    .setSubject('crew-demo')
    .setIssuer(ISSUER)
    .setAudience('qdn-api')
    .setIssuedAt(claims.iat ?? now)
    .setExpirationTime(claims.exp ?? now + 600)
    .sign(await importJWK(key, 'ES256'));
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Hostile files through the whole pipeline: tried / accepted per file. */
export async function hostileFiles(child: RuntimeChild): Promise<Row> {
  const { api } = child;
  const crew = await token(api, 'crew-demo', 'crew');
  const files = await badFiles();
  const sent: Array<{ name: string; id: string | null; expect: string; posted: number }> = [];
  for (const f of files) {
    const g = await grant(api, crew, Math.max(1, f.bytes.length), { contentType: f.contentType }).catch(
      () => null,
    );
    if (!g) {
      sent.push({ name: f.name, id: null, expect: f.expect, posted: 0 });
      continue;
    }
    sent.push({
      name: f.name,
      id: g.photo_id,
      expect: f.expect,
      posted: await post(g, f.bytes, f.contentType),
    });
  }
  const ids = sent.filter((s) => s.id && s.posted === 201).map((s) => s.id as string);
  await until(() => allFinal(api, ids), 90_000);
  const records = await photoRecords(api);
  const { s3, bucket } = await awsClients(api);
  const accepted: string[] = [];
  for (const s of sent) {
    if (!s.id || s.posted !== 201) continue; // refused at the door
    const photo = records.get(s.id)?.[0];
    const status = photo?.status ?? 'absent';
    if (s.expect === 'refused' && status !== 'rejected') accepted.push(`${s.name}: ${status}`);
    if (s.expect === 'tolerated' && !['ready', 'rejected'].includes(status))
      accepted.push(`${s.name}: ${status}`);
    if (photo?.gps && (Math.abs(photo.gps.lat) > 90 || Math.abs(photo.gps.lon) > 180))
      accepted.push(`${s.name}: gps ${photo.gps.lat},${photo.gps.lon} kept`);
    if (status === 'ready') {
      for (const size of ['small', 'large']) {
        const out = await s3.send(
          new GetObjectCommand({ Bucket: bucket, Key: `thumbs/job-demo-1/${s.id}/${size}.webp` }),
        );
        const bytes = Buffer.from(await (out.Body?.transformToByteArray() ?? new Uint8Array()));
        if (bytes.includes(Buffer.from(EXIF_MARKUP)) || bytes.includes(Buffer.from('onerror')))
          accepted.push(`${s.name}: markup in the ${size} thumbnail`);
      }
    }
  }
  s3.destroy();
  const refusedAtDoor = sent.filter((s) => s.posted !== 201).length;
  const verdicts = await statusesOf(api, ids);
  return {
    name: 'hostile files',
    tried: files.length,
    wrong: accepted.length,
    figure: `${files.length} bad files, accepted ${accepted.length}: ${refusedAtDoor} refused at upload, ${[...verdicts.values()].filter((v) => v === 'rejected').length} rejected, ${[...verdicts.values()].filter((v) => v === 'ready').length} ready with metadata dropped (malformed EXIF, GPS out of range, markup)`,
    ...(accepted.length ? { detail: accepted.join('; ') } : {}),
  };
}

/** Bad requests: tried / accepted per class; a 2xx (or an effect) where a refusal is due is accepted. */
export async function hostileRequests(child: RuntimeChild): Promise<Row> {
  const { api } = child;
  const crew = await token(api, 'crew-demo', 'crew');
  const admin = await token(api, 'admin-demo', 'admin');
  const other = await token(api, 'cust-other', 'customer');
  const customer = await token(api, 'cust-demo', 'customer');
  const classes: Record<string, { tried: number; accepted: string[] }> = {};
  const note = (cls: string, name: string, accepted: boolean) => {
    const c = classes[cls] ?? { tried: 0, accepted: [] };
    classes[cls] = c;
    c.tried++;
    if (accepted) c.accepted.push(name);
  };
  const ok = (status: number) => status >= 200 && status < 300;
  const body = { job_id: 'job-demo-1', filename: 'a.jpg', content_type: 'image/jpeg', size: 1000 };

  // Tokens: forged, expired, alg none, issued in the future.
  const realKey = JSON.parse(
    readFileSync(join(child.dataDir, 'identity', 'signing-key.json'), 'utf8'),
  ) as JWK;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const foreign = { ...(await exportJWK(privateKey)), kid: realKey.kid, alg: 'ES256' } as JWK;
  const now = Math.floor(Date.now() / 1000);
  const tokens: Record<string, string> = {
    forged: await staffToken(foreign, {}),
    expired: await staffToken(realKey, { iat: now - 7200, exp: now - 3600 }),
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'crew-demo', qdn_role: 'admin', iss: ISSUER, aud: 'qdn-api', iat: now, exp: now + 600 })}.`,
    'future iat': await staffToken(realKey, { iat: now + 3600, exp: now + 4000 }),
  };
  for (const [name, t] of Object.entries(tokens)) {
    note(
      'tokens',
      `${name} list`,
      ok((await call(api, 'GET', '/list-photos?job_id=job-demo-1', { token: t })).status),
    );
    note(
      'tokens',
      `${name} upload-url`,
      ok((await call(api, 'POST', '/upload-url', { token: t, body })).status),
    );
    note('tokens', `${name} ops`, ok((await call(api, 'GET', '/ops/status', { token: t })).status));
  }

  // A real photo, for the cross-customer and reuse cases.
  const bytes = await smallPhoto(3, 640, 480);
  const g = await grant(api, crew, bytes.length);
  await post(g, bytes);
  await until(async () => (await statusesOf(api, [g.photo_id])).get(g.photo_id) === 'ready', 30_000);
  note(
    'cross-customer',
    'other customer lists job-demo-1',
    ok((await call(api, 'GET', '/list-photos?job_id=job-demo-1', { token: other })).status),
  );
  note(
    'cross-customer',
    'crew uploads to job-demo-2',
    ok(
      (await call(api, 'POST', '/upload-url', { token: crew, body: { ...body, job_id: 'job-demo-2' } }))
        .status,
    ),
  );
  note(
    'cross-customer',
    'other customer fetches an original',
    ok((await call(api, 'GET', `/photos/${g.photo_id}/original`, { token: other })).status),
  );
  note(
    'cross-customer',
    'owner (not admin) fetches an original',
    ok((await call(api, 'GET', `/photos/${g.photo_id}/original`, { token: customer })).status),
  );
  const quoteA = await openCardQuote(api);
  const quoteB = await openCardQuote(api);
  note(
    'cross-customer',
    'customer reads another quote',
    ok((await call(api, 'GET', `/quotes/${quoteB.id}`, { token: quoteA.customer })).status),
  );

  // Hostile filenames: refused, or a server-built key that ignores them.
  for (const filename of [
    '../../etc/passwd.jpg',
    '..\\..\\boot.ini',
    'a/b/../../c.jpg',
    '%2e%2e%2fx.jpg',
    'x\u0000.jpg',
    '<script>alert(1)</script>.jpg',
    `${'a'.repeat(5000)}.jpg`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${filename} createPresignedPost would expand.
    '${filename}',
  ]) {
    const out = await call(api, 'POST', '/upload-url', { token: crew, body: { ...body, filename } });
    note(
      'hostile filenames',
      filename.slice(0, 20),
      out.status === 200 && !/^photos\/job-demo-1\/[0-9A-HJKMNP-TV-Z]{26}\.jpg$/.test(out.body.key),
    );
  }

  // Oversize: bigger than declared, bigger than the limit; expired: after the grant's lifetime.
  // (More bytes than declared but within 10 MB is allowed by design: the range is [1, max].)
  note(
    'oversize uploads',
    'declared size -1',
    ok((await call(api, 'POST', '/upload-url', { token: crew, body: { ...body, size: -1 } })).status),
  );
  note(
    'oversize uploads',
    'declared over 10 MB',
    ok(
      (await call(api, 'POST', '/upload-url', { token: crew, body: { ...body, size: 10 * 1024 * 1024 + 1 } }))
        .status,
    ),
  );
  const big = await grant(api, crew, 10 * 1024 * 1024);
  note(
    'oversize uploads',
    'over 10 MB posted',
    ok(await post(big, Buffer.alloc(10 * 1024 * 1024 + 1, 0xff))),
  );
  const late = await grant(api, crew, bytes.length);
  const ttl = Number(child.env.QDN_UPLOAD_URL_TTL_SECONDS ?? 900);
  await sleep((ttl + 1) * 1000);
  note('expired uploads', 'grant used after expiry', ok(await post(late, bytes)));

  // Grant reuse after ready: other bytes posted again; the record and the kept original must not change.
  const before = JSON.stringify((await photoRecords(api)).get(g.photo_id));
  await post(g, await smallPhoto(99, 640, 480));
  await sleep(3000);
  note(
    'grant reuse after ready',
    'replayed grant',
    JSON.stringify((await photoRecords(api)).get(g.photo_id)) !== before,
  );

  // Stripe webhooks: tampered, stale, wrong secret, unsigned, replayed.
  const secret = await webhookSecret(api);
  const payload = JSON.stringify(
    completedEvent(quoteA.id, quoteA.total, `evt_h_${quoteA.id}`, quoteA.session),
  );
  const tampered = payload.replace(`"amount_total":${quoteA.total}`, '"amount_total":1');
  note('stripe webhooks', 'tampered', ok((await postWebhook(api, tampered, sign(payload, secret))).status));
  note(
    'stripe webhooks',
    'stale',
    ok((await postWebhook(api, payload, sign(payload, secret, now - 400))).status),
  );
  note(
    'stripe webhooks',
    'wrong secret',
    ok((await postWebhook(api, payload, sign(payload, 'whsec_not_the_secret'))).status),
  );
  note('stripe webhooks', 'unsigned', ok((await postWebhook(api, payload)).status));
  const header = sign(payload, secret);
  const first = await postWebhook(api, payload, header);
  const jobsAfterFirst = await jobCount(api);
  const replay = await postWebhook(api, payload, header);
  await sleep(300);
  note(
    'stripe webhooks',
    'replayed',
    first.status !== 200 || (await jobCount(api)) !== jobsAfterFirst || replay.status >= 500,
  );

  // Zelle confirmation by a non-admin.
  await call(api, 'POST', `/quotes/${quoteB.id}/checkout`, {
    token: quoteB.customer,
    body: { payment_method: 'zelle' },
  });
  note(
    'zelle by non-admin',
    'crew',
    ok((await call(api, 'POST', `/quotes/${quoteB.id}/zelle-received`, { token: crew })).status),
  );
  note(
    'zelle by non-admin',
    'the customer',
    ok((await call(api, 'POST', `/quotes/${quoteB.id}/zelle-received`, { token: quoteB.customer })).status),
  );
  note(
    'zelle by non-admin',
    'no token',
    ok((await call(api, 'POST', `/quotes/${quoteB.id}/zelle-received`)).status),
  );
  const quoteBNow = await call(api, 'GET', `/quotes/${quoteB.id}`, { token: admin });
  note('zelle by non-admin', 'quote left unconfirmed', quoteBNow.body?.status === 'confirmed');

  // Still serving: health and a normal photo end to end.
  const healthy = (await call(api, 'GET', '/healthz')).status === 200;
  const g2 = await grant(api, crew, bytes.length);
  await post(g2, bytes);
  const stillReady = await until(
    async () => (await statusesOf(api, [g2.photo_id])).get(g2.photo_id) === 'ready',
    30_000,
  );
  note('server keeps serving', 'healthz and a photo to ready after all this', !(healthy && stillReady));

  const tried = Object.values(classes).reduce((n, c) => n + c.tried, 0);
  const accepted = Object.entries(classes).flatMap(([k, c]) => c.accepted.map((a) => `${k}: ${a}`));
  return {
    name: 'hostile requests',
    tried,
    wrong: accepted.length,
    figure: `${Object.entries(classes)
      .map(([k, c]) => `${k} ${c.tried}/${c.accepted.length}`)
      .join(', ')} (tried/accepted)`,
    ...(accepted.length ? { detail: accepted.join('; ') } : {}),
  };
}

async function jobCount(api: string): Promise<number> {
  const { scanAll } = await import('./client.ts');
  return (await scanAll(api)).filter((i) => i.sk === 'JOB').length;
}
