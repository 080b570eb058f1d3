/**
 * The request path and the on-upload reads, through a real local runtime:
 * - token verification with the cached JWKS (what the functions do) against fetching the JWKS on
 *   every request (the baseline a naive verifier pays);
 * - `POST /upload-url` and `GET /list-photos` (100 photos, 200 presigned GETs) against `/healthz`;
 * - on-upload's ranged EXIF reads against downloading the whole object and parsing it with exifr.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import exifr from 'exifr';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import sharp from 'sharp';
import { HEAD_BYTES } from '../functions/on-upload/inspect-object.ts';
import { createAuthenticator } from '../lib/auth/authenticate.ts';
import { createAwsClients } from '../lib/aws/clients.ts';
import { loadConfig } from '../lib/config/config.ts';
import { readExif } from '../lib/image/exif.ts';
import { countingReader } from '../lib/image/range-reader.ts';
import { sniffImageType } from '../lib/image/sniff.ts';
import { s3RangeReader } from '../lib/s3/object-reader.ts';
import { startRuntime } from '../local/runtime.ts';
import { GPS_EXIF } from '../test/fixtures/thumbnail-images.ts';
import { phonePhoto } from './photo.ts';
import { median, printTable, ratio } from './report.ts';

async function timed(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Runs the API and on-upload read benchmarks. */
export async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = await mkdtemp(join(tmpdir(), 'qdn-bench-'));
  const runtime = await startRuntime(
    loadConfig({ PORT: '0', QDN_DATA_DIR: dataDir, QDN_LOG_LEVEL: 'error' }),
    {
      pollers: false,
    },
  );
  try {
    const api = runtime.urls.api;
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${api}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    const { token } = (await post('/dev/token', { sub: 'admin-demo', role: 'admin' })) as { token: string };
    const auth = runtime.functionConfig.auth;

    // 1. Token verification.
    const event = { headers: { authorization: `Bearer ${token}` } } as unknown as APIGatewayProxyEventV2;
    const cached = createAuthenticator(auth);
    await cached(event);
    const fresh = await timed(200, () =>
      jwtVerify(token, createRemoteJWKSet(new URL(auth.jwksUrl as string)), {
        issuer: auth.issuer as string,
        audience: auth.audience,
        algorithms: ['ES256'],
      }),
    );
    const reused = await timed(200, () => cached(event));
    printTable(
      'Token verification, N=200 (baseline: JWKS fetched per request)',
      ['verifier', 'median ms', 'vs baseline'],
      [
        ['JWKS fetched per request (baseline)', median(fresh).toFixed(3), 'x1.00'],
        [
          'createAuthenticator (JWKS cached)',
          median(reused).toFixed(3),
          ratio(median(reused), median(fresh)),
        ],
      ],
    );

    // 2. The two routes, end to end over HTTP.
    const health = await timed(100, () => fetch(`${api}/healthz`).then((r) => r.text()));
    const upload = await timed(100, () =>
      post(
        '/upload-url',
        { job_id: 'job-demo-2', filename: 'a.jpg', content_type: 'image/jpeg', size: 1000 },
        token,
      ),
    );
    const list = await timed(30, () =>
      fetch(`${api}/list-photos?job_id=job-demo-2&limit=100`, {
        headers: { authorization: `Bearer ${token}` },
      }).then((r) => r.text()),
    );
    printTable(
      'HTTP round trips on loopback (baseline: GET /healthz)',
      ['request', 'N', 'median ms', 'vs baseline'],
      [
        ['GET /healthz (baseline)', 100, median(health).toFixed(2), 'x1.00'],
        ['POST /upload-url', 100, median(upload).toFixed(2), ratio(median(upload), median(health))],
        ['GET /list-photos, 100 photos', 30, median(list).toFixed(2), ratio(median(list), median(health))],
      ],
    );

    // 3. EXIF: ranged reads (on-upload) against the whole object.
    const clients = createAwsClients(runtime.functionConfig);
    const bucket = runtime.functionConfig.uploadsBucket;
    const files: Array<[string, Buffer]> = [
      [
        '12 MP JPEG',
        await sharp(await phonePhoto(4032, 3024))
          .withExif(GPS_EXIF)
          .jpeg({ quality: 90 })
          .toBuffer(),
      ],
      [
        '12 MP WebP',
        await sharp(await phonePhoto(4032, 3024))
          .withExif(GPS_EXIF)
          .webp({ quality: 90 })
          .toBuffer(),
      ],
    ];
    const rows: (string | number)[][] = [];
    for (const [name, bytes] of files) {
      const key = `bench/${name.replace(/\W+/g, '-')}`;
      await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
      let baselineFound = false;
      const whole = await timed(15, async () => {
        const out = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = await out.Body?.transformToByteArray();
        // exifr 7.1 throws "Unknown file format" on WebP: the baseline then finds nothing at all.
        const parsed = await exifr.parse(Buffer.from(body ?? []), { gps: true }).catch(() => null);
        baselineFound = parsed?.latitude !== undefined;
      });
      let stats = { requests: 0, bytes: 0 };
      const ranged = await timed(15, async () => {
        const counted = countingReader(s3RangeReader(clients.s3, bucket, key));
        const head = await counted.read(0, HEAD_BYTES - 1);
        const type = sniffImageType(head);
        if (!type) throw new Error(`bench file ${name} not sniffed`);
        const result = await readExif(counted.read, bytes.length, type, head);
        if (!result.facts?.gps) throw new Error(`bench file ${name}: no GPS found`);
        stats = counted.stats;
      });
      rows.push(
        [
          `${name}, whole object + exifr (baseline${baselineFound ? '' : ', finds no GPS'})`,
          (bytes.length / 1024).toFixed(0),
          1,
          median(whole).toFixed(2),
          'x1.00',
        ],
        [
          `${name}, ranged reads (on-upload)`,
          (stats.bytes / 1024).toFixed(0),
          stats.requests,
          median(ranged).toFixed(2),
          ratio(median(ranged), median(whole)),
        ],
      );
    }
    printTable(
      'EXIF and type check per photo, N=15 (baseline: download the whole object)',
      ['path', 'KiB read', 'GETs', 'median ms', 'vs baseline'],
      rows,
    );
    clients.s3.destroy();
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
