/**
 * The whole pipeline through a real local runtime, in one run, against baselines measured in the
 * same run on the same machine:
 * - upload → `ready` for one 12 MP JPEG against the same render in memory (the stage's own
 *   `renderThumbnails`: sharp making the two WebP sizes, no I/O);
 * - a burst of N 12 MP JPEGs (`QDN_BENCH_BURST`, default 200) from `QDN_BENCH_CLIENTS` (32)
 *   uploaders, each presign → POST → next: drain time (first presign to last ready) against the floor
 *   (N × render ÷ cores) and against the same renders in memory with the same parallelism;
 * - `POST /upload-url` and `/healthz` p50/p99 idle and during the burst;
 * - the process's CPU time per photo and its peak RSS during the burst;
 * - a HEVC HEIC against the same photo as JPEG, and `/healthz` while a HEIC is decoded (needs
 *   `heif-enc`, Debian `libheif-examples`; skipped with a note when it is absent).
 *
 * "ready" is the moment the thumbnail stage emits `photo.processed` (after the `ready` write),
 * seen by wrapping the local bus. The uploading client runs in the same process as the runtime
 * (as a browser on the same laptop would share its CPU), so CPU per photo includes the client's
 * half of both 3.3 MB HTTP legs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../lib/config/config.ts';
import { renderThumbnails } from '../lib/image/thumbnails.ts';
import { topology } from '../lib/topology/topology.ts';
import { type Runtime, startRuntime } from '../local/runtime.ts';
import { BENCH_RENDER_OPTIONS, phonePhoto } from './photo.ts';
import { median, percentile, printTable, ratio } from './report.ts';

const WIDTH = 4000;
const HEIGHT = 3000;
const SINGLE_RUNS = 7;
const DISTINCT_PHOTOS = 4;

interface Grant {
  photo_id: string;
  url: string;
  fields: Record<string, string>;
}

const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;

/** Runs the pipeline benchmark. */
export async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const burst = Number(process.env.QDN_BENCH_BURST ?? 200);
  // Uploaders at once: the burst ran at concurrency 32; more only queues in the client.
  const clients = Number(process.env.QDN_BENCH_CLIENTS ?? 32);
  const cores = availableParallelism();
  console.log(
    `\nMachine: ${cores} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ` +
      `UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}; burst N=${burst}, ${clients} uploaders`,
  );

  const photos: Buffer[] = [];
  for (let seed = 1; seed <= DISTINCT_PHOTOS; seed++) photos.push(await phonePhoto(WIDTH, HEIGHT, seed * 7));
  const jpeg = photos[0] as Buffer;
  console.log(`12 MP JPEG: ${(jpeg.length / 1e6).toFixed(2)} MB (${DISTINCT_PHOTOS} distinct, cycled)`);

  // Baseline: the same two sizes in memory, one at a time.
  const bare = async (input: Buffer) => {
    const started = performance.now();
    await renderThumbnails(input, BENCH_RENDER_OPTIONS);
    return performance.now() - started;
  };
  await bare(jpeg);
  const bareSamples: number[] = [];
  for (let i = 0; i < SINGLE_RUNS; i++) bareSamples.push(await bare(photos[i % photos.length] as Buffer));
  const bareP50 = median(bareSamples);

  const dataDir = await mkdtemp(join(tmpdir(), 'qdn-bench-pipeline-'));
  const runtime = await startRuntime(
    loadConfig({
      PORT: '0',
      QDN_DATA_DIR: dataDir,
      QDN_LOG_LEVEL: 'error',
      QDN_UPLOAD_RATE_PER_MINUTE: '100000',
      QDN_MAX_PHOTOS_PER_JOB: '1000000',
    }),
    { schedules: false },
  );
  try {
    const ready = watchReady(runtime);
    const api = runtime.urls.api;
    const crew = await token(api, 'crew-demo', 'crew');
    const grant = async (size: number): Promise<Grant> => {
      const res = await fetch(`${api}/upload-url`, {
        method: 'POST',
        headers: { authorization: `Bearer ${crew}`, 'content-type': 'application/json' },
        body: JSON.stringify({ job_id: 'job-demo-1', filename: 'p.jpg', content_type: 'image/jpeg', size }),
      });
      if (res.status !== 200) throw new Error(`upload-url answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as Grant;
    };
    const grantTyped = async (size: number, contentType: string, filename: string): Promise<Grant> => {
      const res = await fetch(`${api}/upload-url`, {
        method: 'POST',
        headers: { authorization: `Bearer ${crew}`, 'content-type': 'application/json' },
        body: JSON.stringify({ job_id: 'job-demo-1', filename, content_type: contentType, size }),
      });
      if (res.status !== 200) throw new Error(`upload-url answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as Grant;
    };
    /** Presign and POST; `done` resolves with the stage times once the photo is `ready`. */
    const send = async (data: Buffer) => {
      const t0 = performance.now();
      const g = await grant(data.length);
      const waiting = ready.wait(g.photo_id);
      const t1 = performance.now();
      const res = await post(g, data, 'image/jpeg', 'p.jpg');
      if (res.status !== 204 && res.status !== 201 && res.status !== 200)
        throw new Error(`S3 POST answered ${res.status}: ${await res.text()}`);
      const t2 = performance.now();
      return {
        done: waiting.then((t3) => ({ total: t3 - t0, presign: t1 - t0, post: t2 - t1, afterPost: t3 - t2 })),
      };
    };
    /** Presign, POST, wait for `ready`; returns the stage times. */
    const uploadOne = async (data: Buffer, contentType = 'image/jpeg', filename = 'p.jpg') => {
      const t0 = performance.now();
      const g =
        contentType === 'image/jpeg'
          ? await grant(data.length)
          : await grantTyped(data.length, contentType, filename);
      const waiting = ready.wait(g.photo_id);
      const t1 = performance.now();
      const res = await post(g, data, contentType, filename);
      if (res.status !== 204 && res.status !== 201 && res.status !== 200)
        throw new Error(`S3 POST answered ${res.status}: ${await res.text()}`);
      const t2 = performance.now();
      const t3 = await waiting;
      return { total: t3 - t0, presign: t1 - t0, post: t2 - t1, afterPost: t3 - t2 };
    };

    // 1. Idle request latency.
    const health = (): Promise<number> => timedFetch(`${api}/healthz`);
    const presignOnce = async () => {
      const started = performance.now();
      await grant(1000);
      return performance.now() - started;
    };
    for (let i = 0; i < 10; i++) await Promise.all([health(), presignOnce()]);
    const idleHealth: number[] = [];
    const idlePresign: number[] = [];
    for (let i = 0; i < 50; i++) {
      idleHealth.push(await health());
      idlePresign.push(await presignOnce());
    }

    // 2. One photo at a time, upload → ready.
    await uploadOne(jpeg);
    const singles: Array<Awaited<ReturnType<typeof uploadOne>>> = [];
    for (let i = 0; i < SINGLE_RUNS; i++) singles.push(await uploadOne(photos[i % photos.length] as Buffer));
    const totals = singles.map((s) => s.total);

    // 3. The burst: `clients` uploaders (a crew's phones, each one photo at a time: presign, POST,
    // next — not waiting for thumbnails), with a prober measuring /upload-url and /healthz while the photos drain.
    const burstHealth: number[] = [];
    const burstPresign: number[] = [];
    let draining = true;
    const prober = (async () => {
      while (draining) {
        burstHealth.push(await health());
        if (!draining) break;
        burstPresign.push(await presignOnce());
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    let peakRss = process.memoryUsage().rss;
    const rssBefore = peakRss;
    const rssTimer = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    const cpuBefore = process.cpuUsage();
    const burstStarted = performance.now();
    const pendingReady: Array<ReturnType<typeof uploadOne>> = [];
    let nextUpload = 0;
    await Promise.all(
      Array.from({ length: Math.min(clients, burst) }, async () => {
        while (nextUpload < burst) {
          const i = nextUpload++;
          pendingReady.push((await send(photos[i % photos.length] as Buffer)).done);
        }
      }),
    );
    const burstTimes = await Promise.all(pendingReady);
    const drainMs = performance.now() - burstStarted;
    const cpu = process.cpuUsage(cpuBefore);
    draining = false;
    clearInterval(rssTimer);
    await prober;

    // 4. The same photos rendered in memory with the same parallelism as the thumbnail stage.
    const parallel =
      topology.queues.thumbnails.consumer.batchSize * topology.queues.thumbnails.consumer.maxConcurrency;
    const bareDrainStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < burst) {
          const i = next++;
          await renderThumbnails(photos[i % photos.length] as Buffer, BENCH_RENDER_OPTIONS);
        }
      }),
    );
    const bareDrainMs = performance.now() - bareDrainStarted;
    const floor = (burst * bareP50) / cores;

    // 5. HEIC against the same photo as JPEG.
    const heic = makeHeic(jpeg, dataDir);
    let heicRows: (string | number)[][] = [];
    let heicHealth: { before: number[]; during: number[] } | undefined;
    if (heic) {
      const heicBytes = await heic;
      const heicBare: number[] = [];
      const jpegBare: number[] = [];
      for (let i = 0; i < 3; i++) {
        heicBare.push(await bare(heicBytes));
        jpegBare.push(await bare(jpeg));
      }
      const heicE2e: number[] = [];
      const jpegE2e: number[] = [];
      const during: number[] = [];
      for (let i = 0; i < 3; i++) {
        jpegE2e.push((await uploadOne(jpeg)).total);
        let decoding = true;
        const probe = (async () => {
          while (decoding) {
            during.push(await health());
            await new Promise((r) => setTimeout(r, 10));
          }
        })();
        heicE2e.push((await uploadOne(heicBytes, 'image/heic', 'p.heic')).total);
        decoding = false;
        await probe;
      }
      heicHealth = { before: idleHealth, during };
      heicRows = [
        [
          'render in memory',
          ms(median(jpegBare)),
          ms(median(heicBare)),
          ratio(median(heicBare), median(jpegBare)),
        ],
        ['upload → ready', ms(median(jpegE2e)), ms(median(heicE2e)), ratio(median(heicE2e), median(jpegE2e))],
      ];
      console.log(`HEIC (HEVC, heif-enc -q 60) of the same photo: ${(heicBytes.length / 1e6).toFixed(2)} MB`);
    }

    // Report.
    printTable(
      `Pipeline, 12 MP JPEG (${(jpeg.length / 1e6).toFixed(1)} MB), medians of ${SINGLE_RUNS} (baseline: the same two WebP sizes rendered in memory)`,
      ['figure', 'value', 'baseline', 'ratio'],
      [
        ['upload → ready p50', ms(median(totals)), ms(bareP50), ratio(median(totals), bareP50)],
        [
          'upload → ready p95',
          ms(percentile(totals, 95)),
          ms(bareP50),
          ratio(percentile(totals, 95), bareP50),
        ],
        [
          `burst of ${burst}: drain vs floor (N × render ÷ ${cores} cores)`,
          ms(drainMs),
          ms(floor),
          ratio(drainMs, floor),
        ],
        [
          `burst of ${burst}: drain vs the same renders in memory, ${parallel} in flight`,
          ms(drainMs),
          ms(bareDrainMs),
          ratio(drainMs, bareDrainMs),
        ],
        [
          `burst: upload → ready p50 / p95`,
          `${ms(median(burstTimes.map((b) => b.total)))} / ${ms(
            percentile(
              burstTimes.map((b) => b.total),
              95,
            ),
          )}`,
          '',
          '',
        ],
        [
          'POST /upload-url p50 / p99, idle (baseline /healthz p50)',
          `${ms(median(idlePresign))} / ${ms(percentile(idlePresign, 99))}`,
          ms(median(idleHealth)),
          ratio(median(idlePresign), median(idleHealth)),
        ],
        [
          `POST /upload-url p50 / p99, during the burst (${burstPresign.length} samples; baseline /healthz p50 then)`,
          `${ms(median(burstPresign))} / ${ms(percentile(burstPresign, 99))}`,
          ms(median(burstHealth)),
          ratio(median(burstPresign), median(burstHealth)),
        ],
        [
          '/healthz p50 / p99 during the burst',
          `${ms(median(burstHealth))} / ${ms(percentile(burstHealth, 99))}`,
          '',
          '',
        ],
        [
          'process CPU per photo in the burst (user + system; baseline: render in memory)',
          ms((cpu.user + cpu.system) / 1000 / burst),
          ms(bareP50),
          ratio((cpu.user + cpu.system) / 1000 / burst, bareP50),
        ],
        [
          'peak RSS during the burst (before it)',
          `${(peakRss / 2 ** 20).toFixed(0)} MB`,
          `${(rssBefore / 2 ** 20).toFixed(0)} MB`,
          '',
        ],
      ],
    );
    printTable(
      'Stage by stage (medians): one photo alone, and in the burst',
      ['stage', 'one photo', 'in the burst'],
      [
        [
          'POST /upload-url',
          ms(median(singles.map((s) => s.presign))),
          ms(median(burstTimes.map((s) => s.presign))),
        ],
        [
          'S3 POST (3.3 MB multipart)',
          ms(median(singles.map((s) => s.post))),
          ms(median(burstTimes.map((s) => s.post))),
        ],
        [
          'S3 write → ready (on-upload, bus, thumbnail: read, render, two PUTs, ready)',
          ms(median(singles.map((s) => s.afterPost))),
          ms(median(burstTimes.map((s) => s.afterPost))),
        ],
      ],
    );
    if (heicRows.length > 0 && heicHealth) {
      printTable(
        'HEIC vs the same photo as JPEG (medians of 3)',
        ['figure', 'JPEG', 'HEIC', 'ratio'],
        heicRows,
      );
      printTable(
        `/healthz while a HEIC photo is processed (${heicHealth.during.length} samples)`,
        ['when', 'p50', 'p99', 'max'],
        [
          [
            'idle',
            ms(median(heicHealth.before)),
            ms(percentile(heicHealth.before, 99)),
            ms(Math.max(...heicHealth.before)),
          ],
          [
            'during HEIC processing',
            ms(median(heicHealth.during)),
            ms(percentile(heicHealth.during, 99)),
            ms(Math.max(...heicHealth.during)),
          ],
        ],
      );
    } else {
      console.log('\n(HEIC rows skipped: heif-enc not found; apt-get install libheif-examples)');
    }
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Resolves, per photo id, when the thumbnail stage emits `photo.processed`. */
function watchReady(runtime: Runtime): { wait(photoId: string): Promise<number> } {
  const waiters = new Map<string, (at: number) => void>();
  const seen = new Map<string, number>();
  const bus = runtime.bus;
  const original = bus.putEvents.bind(bus);
  bus.putEvents = (entries) => {
    const result = original(entries);
    const at = performance.now();
    for (const entry of entries) {
      if (entry.DetailType !== 'photo.processed' || !entry.Detail) continue;
      const id = (JSON.parse(entry.Detail) as { photo_id: string }).photo_id;
      const waiter = waiters.get(id);
      if (waiter) waiter(at);
      else seen.set(id, at);
    }
    return result;
  };
  return {
    wait: (photoId) => {
      const already = seen.get(photoId);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`photo ${photoId} not ready in 10 min`)), 600_000);
        waiters.set(photoId, (at) => {
          clearTimeout(timer);
          waiters.delete(photoId);
          resolve(at);
        });
      });
    },
  };
}

async function token(api: string, sub: string, role: string): Promise<string> {
  const res = await fetch(`${api}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub, role }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function timedFetch(url: string): Promise<number> {
  const started = performance.now();
  await (await fetch(url)).arrayBuffer();
  return performance.now() - started;
}

function post(grant: Grant, data: Buffer, contentType: string, filename: string): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
  form.append('file', new Blob([data as Uint8Array<ArrayBuffer>], { type: contentType }), filename);
  return fetch(grant.url, { method: 'POST', body: form });
}

/** The same photo as a HEVC HEIC through heif-enc, or undefined when heif-enc is not installed. */
function makeHeic(jpeg: Buffer, dir: string): Promise<Buffer> | undefined {
  try {
    execFileSync('heif-enc', ['--help'], { stdio: 'ignore' });
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
  }
  return (async () => {
    const input = join(dir, 'heic-source.jpg');
    const output = join(dir, 'heic-source.heic');
    await writeFile(input, jpeg);
    execFileSync('heif-enc', ['-q', '60', input, '-o', output], { stdio: 'ignore' });
    return readFile(output);
  })();
}
