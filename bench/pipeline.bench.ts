/**
 * The whole pipeline through the local runtime running as `npm start` runs it — its own process,
 * `node --import tsx local/main.ts` — in one run, against baselines measured in the same run on the
 * same machine (in this, the bench's, process):
 * - upload → `ready` for one 12 MP JPEG, from the presign and from the start of the S3 POST,
 *   against the same render in memory (the stage's own `renderThumbnails`: sharp making the two
 *   WebP sizes, no I/O);
 * - a burst of N 12 MP JPEGs (`QDN_BENCH_BURST`, default 200) from `QDN_BENCH_CLIENTS` (32)
 *   uploaders, each presign → POST → next: drain time (first presign to last ready) against the floor
 *   (N × render ÷ cores) and against the same renders in memory with the same parallelism;
 * - `POST /upload-url` and `/healthz` p50/p99 idle and during the burst;
 * - the runtime's CPU time per photo (utime + stime of its process, every thread) and its RSS
 *   (VmRSS sampled every 100 ms, and VmHWM) during the burst, read from `/proc`; the client's own
 *   CPU is printed beside it;
 * - a HEVC HEIC against the same photo as JPEG, and `/healthz` while a HEIC is decoded (needs
 *   `heif-enc`, Debian `libheif-examples`; skipped with a note when it is absent).
 *
 * "ready" is the moment the runtime's `photo ready` log line (the thumbnail stage, at `info`, after
 * its `ready` write and the `photo.processed` event) reaches the bench on the child's stdout,
 * stamped on arrival. The client is cheap on purpose (`node:http`, keep-alive, one Buffer per body):
 * it shares the 2 cores with the runtime, as a crew's phones would not.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../lib/config/config.ts';
import { configureSharp, renderThumbnails } from '../lib/image/thumbnails.ts';
import { topology } from '../lib/topology/topology.ts';
import { BenchClient, multipartBody } from './http-client.ts';
import { BENCH_RENDER_OPTIONS, phonePhoto } from './photo.ts';
import { median, percentile, printTable, ratio } from './report.ts';
import { type BenchRuntime, startBenchRuntime, type ThreadCpu } from './runtime-child.ts';

const WIDTH = 4000;
const HEIGHT = 3000;
const SINGLE_RUNS = 7;
const DISTINCT_PHOTOS = 4;
const RSS_SAMPLE_MS = 100;

interface Grant {
  photo_id: string;
  url: string;
  fields: Record<string, string>;
}

/** One upload's moments (performance.now() of the bench process). */
interface Upload {
  presignAt: number;
  granted: number;
  postAt: number;
  posted: number;
  received?: number;
  ready: number;
}

const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const p50p95 = (values: number[]) => `${ms(median(values))} / ${ms(percentile(values, 95))}`;

/** Runs the pipeline benchmark. */
export async function run(): Promise<void> {
  const burst = Number(process.env.QDN_BENCH_BURST ?? 200);
  // Uploaders at once: the burst ran at concurrency 32; more only queues in the client.
  const clients = Number(process.env.QDN_BENCH_CLIENTS ?? 32);
  const cores = availableParallelism();
  console.log(
    `\nMachine: ${cores} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ` +
      `UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}; burst N=${burst}, ${clients} uploaders`,
  );
  console.log(`Started ${new Date().toISOString()}, load average ${loadLine()}`);

  // The baselines render in this process with the knobs the thumbnail function sets in the runtime.
  configureSharp({ concurrency: loadConfig({}).images.concurrency });
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

  const runtime = await startBenchRuntime({
    QDN_UPLOAD_RATE_PER_MINUTE: '100000',
    QDN_MAX_PHOTOS_PER_JOB: '1000000',
  });
  console.log(`Runtime: pid ${runtime.pid}, ${runtime.command}`);
  const http = new BenchClient();
  try {
    const memAtStart = await runtime.memory();
    const photosSeen = watchPhotos(runtime);
    const api = runtime.api;
    const crew = await token(http, api, 'crew-demo', 'crew');
    const grant = async (size: number, contentType = 'image/jpeg', filename = 'p.jpg'): Promise<Grant> => {
      const res = await http.postJson<Grant>(
        `${api}/upload-url`,
        { job_id: 'job-demo-1', filename, content_type: contentType, size },
        { authorization: `Bearer ${crew}` },
      );
      if (res.status !== 200) throw new Error(`upload-url answered ${res.status}: ${res.text}`);
      return res.json;
    };
    /** Presign and POST; `done` resolves with the upload's moments once the photo is `ready`. */
    const send = async (
      data: Buffer,
      contentType = 'image/jpeg',
      filename = 'p.jpg',
      timeoutMs = 600_000,
    ) => {
      const presignAt = performance.now();
      const g = await grant(data.length, contentType, filename);
      const granted = performance.now();
      const waiting = photosSeen.wait(g.photo_id, timeoutMs);
      const form = multipartBody(g.fields, data, contentType, filename);
      const postAt = performance.now();
      const res = await http.send('POST', g.url, { 'content-type': form.contentType }, form.body);
      if (res.status !== 204 && res.status !== 201 && res.status !== 200)
        throw new Error(`S3 POST answered ${res.status}: ${res.body.toString('utf8')}`);
      const posted = performance.now();
      return {
        done: waiting.then((seen): Upload => ({ presignAt, granted, postAt, posted, ...seen })),
      };
    };
    const uploadOne = async (data: Buffer, contentType?: string, filename?: string, timeoutMs?: number) =>
      (await send(data, contentType, filename, timeoutMs)).done;
    const fromPresign = (u: Upload) => u.ready - u.presignAt;
    const fromPost = (u: Upload) => u.ready - u.postAt;

    // 1. Idle request latency.
    const health = async (): Promise<number> => {
      const started = performance.now();
      const res = await http.send('GET', `${api}/healthz`);
      if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
      return performance.now() - started;
    };
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

    // 2. One photo at a time, upload → ready. The first one also checks that the runtime still
    // writes the log line the bench waits for (a renamed line fails here, not after 10 minutes).
    await uploadOne(jpeg, undefined, undefined, 60_000).catch((error: unknown) => {
      throw new Error(
        `Expected the thumbnail stage to log "photo ready" (info, with correlation_id = photo id) within 60 s: ${String(error)}`,
      );
    });
    const singleCpuBefore = await runtime.cpuMs();
    const singles: Upload[] = [];
    for (let i = 0; i < SINGLE_RUNS; i++) singles.push(await uploadOne(photos[i % photos.length] as Buffer));
    const singleCpuPerPhoto = ((await runtime.cpuMs()) - singleCpuBefore) / SINGLE_RUNS;

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
    const memBefore = await runtime.memory();
    const peakReset = await runtime.resetPeak();
    let peakRss = memBefore.rssBytes;
    let sampling = Promise.resolve();
    const rssTimer = setInterval(() => {
      sampling = sampling.then(async () => {
        peakRss = Math.max(peakRss, (await runtime.memory()).rssBytes);
      });
    }, RSS_SAMPLE_MS);
    const runtimeCpuBefore = await runtime.cpuMs();
    const threadsBefore = await runtime.threadCpu();
    const machineBefore = await machineCpu();
    const clientCpuBefore = process.cpuUsage();
    const burstStarted = performance.now();
    const pendingReady: Array<Promise<Upload>> = [];
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
    const lastReady = Math.max(...burstTimes.map((u) => u.ready));
    const drainMs = lastReady - burstStarted;
    const runtimeCpuMs = (await runtime.cpuMs()) - runtimeCpuBefore;
    const threadSplit = splitThreadCpu(threadsBefore, await runtime.threadCpu(), runtime.pid, burst);
    const runtimeCpuPerPhoto = runtimeCpuMs / burst;
    const machineAfter = await machineCpu();
    const machineBusyCores =
      ((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) * cores;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const clientCpuPerPhoto = (clientCpu.user + clientCpu.system) / 1000 / burst;
    draining = false;
    clearInterval(rssTimer);
    await sampling;
    const memAfter = await runtime.memory();
    peakRss = Math.max(peakRss, memAfter.rssBytes);
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
    const heic = makeHeic(jpeg, runtime.dataDir);
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
        jpegE2e.push(fromPresign(await uploadOne(jpeg)));
        let decoding = true;
        const probe = (async () => {
          while (decoding) {
            during.push(await health());
            await new Promise((r) => setTimeout(r, 10));
          }
        })();
        heicE2e.push(fromPresign(await uploadOne(heicBytes, 'image/heic', 'p.heic')));
        decoding = false;
        await probe;
      }
      heicHealth = { before: idleHealth, during };
      heicRows = [
        [
          'render in memory (bench process)',
          ms(median(jpegBare)),
          ms(median(heicBare)),
          ratio(median(heicBare), median(jpegBare)),
        ],
        [
          'upload → ready (from the presign)',
          ms(median(jpegE2e)),
          ms(median(heicE2e)),
          ratio(median(heicE2e), median(jpegE2e)),
        ],
      ];
      console.log(`HEIC (HEVC, heif-enc -q 60) of the same photo: ${(heicBytes.length / 1e6).toFixed(2)} MB`);
    }

    // Report.
    const singleFromPresign = singles.map(fromPresign);
    const singleFromPost = singles.map(fromPost);
    printTable(
      `Pipeline, 12 MP JPEG (${(jpeg.length / 1e6).toFixed(1)} MB), medians of ${SINGLE_RUNS}; the runtime in its own process (baseline: the same two WebP sizes rendered in memory in the bench process)`,
      ['figure', 'value', 'baseline', 'ratio'],
      [
        [
          'upload → ready p50, from the presign (POST /upload-url + S3 POST + pipeline)',
          ms(median(singleFromPresign)),
          ms(bareP50),
          ratio(median(singleFromPresign), bareP50),
        ],
        [
          'upload → ready p95, from the presign',
          ms(percentile(singleFromPresign, 95)),
          ms(bareP50),
          ratio(percentile(singleFromPresign, 95), bareP50),
        ],
        [
          'upload → ready p50, from the start of the S3 POST',
          ms(median(singleFromPost)),
          ms(bareP50),
          ratio(median(singleFromPost), bareP50),
        ],
        [
          'upload → ready p95, from the start of the S3 POST',
          ms(percentile(singleFromPost, 95)),
          ms(bareP50),
          ratio(percentile(singleFromPost, 95), bareP50),
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
        ['burst: upload → ready p50 / p95, from the presign', p50p95(burstTimes.map(fromPresign)), '', ''],
        [
          'burst: upload → ready p50 / p95, from the start of the S3 POST',
          p50p95(burstTimes.map(fromPost)),
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
          'runtime CPU per photo in the burst (its process: utime + stime; baseline: render in memory)',
          ms(runtimeCpuPerPhoto),
          ms(bareP50),
          ratio(runtimeCpuPerPhoto, bareP50),
        ],
        [
          '  of which: render (libvips threads) / main thread (API, queues, bus) / S3 worker / DynamoDB worker / consumers’ worker (on-upload, thumbnail) / the rest (V8 GC and JIT helpers, libuv pool) / threads that ended during the burst',
          [
            threadSplit.render,
            threadSplit.main,
            threadSplit.s3,
            threadSplit.dynamodb,
            threadSplit.consumers,
            threadSplit.other,
            Math.max(0, runtimeCpuPerPhoto - threadSplit.total),
          ]
            .map(ms)
            .join(' / '),
          '',
          '',
        ],
        [
          'runtime CPU per photo, one at a time',
          ms(singleCpuPerPhoto),
          ms(bareP50),
          ratio(singleCpuPerPhoto, bareP50),
        ],
        [
          'client (bench process) CPU per photo in the burst: uploads, prober, log reading',
          ms(clientCpuPerPhoto),
          '',
          '',
        ],
        [
          `cores busy during the burst: the runtime / the whole machine (all processes, /proc/stat) of ${cores}`,
          `${(runtimeCpuMs / drainMs).toFixed(2)} / ${machineBusyCores.toFixed(2)}`,
          '',
          '',
        ],
        [
          `runtime RSS peak during the burst (VmRSS every ${RSS_SAMPLE_MS} ms; baseline: before the burst)`,
          mb(peakRss),
          mb(memBefore.rssBytes),
          `${mb(memAtStart.rssBytes)} at start`,
        ],
        [
          peakReset
            ? 'runtime VmHWM over the burst (reset just before it)'
            : 'runtime VmHWM since start (could not reset it)',
          mb(memAfter.hwmBytes),
          peakReset ? '' : `${mb(memBefore.hwmBytes)} before`,
          '',
        ],
      ],
    );
    const stage = (uploads: Upload[], f: (u: Upload) => number | undefined) => {
      const values = uploads.map(f).filter((v): v is number => v !== undefined);
      return values.length === uploads.length ? ms(median(values)) : '—';
    };
    printTable(
      "Stage by stage (medians): one photo alone, and in the burst; the two last from the runtime's log lines",
      ['stage', 'one photo', 'in the burst'],
      [
        [
          'POST /upload-url',
          stage(singles, (u) => u.granted - u.presignAt),
          stage(burstTimes, (u) => u.granted - u.presignAt),
        ],
        [
          'building the multipart body (client)',
          stage(singles, (u) => u.postAt - u.granted),
          stage(burstTimes, (u) => u.postAt - u.granted),
        ],
        [
          'S3 POST (3.3 MB multipart)',
          stage(singles, (u) => u.posted - u.postAt),
          stage(burstTimes, (u) => u.posted - u.postAt),
        ],
        [
          "S3 POST answered → on-upload's `photo received` (checks, move to originals/, event)",
          stage(singles, (u) => (u.received === undefined ? undefined : u.received - u.posted)),
          stage(burstTimes, (u) => (u.received === undefined ? undefined : u.received - u.posted)),
        ],
        [
          '`photo received` → `photo ready` (bus, thumbnail: read, render, two PUTs, ready, event)',
          stage(singles, (u) => (u.received === undefined ? undefined : u.ready - u.received)),
          stage(burstTimes, (u) => (u.received === undefined ? undefined : u.ready - u.received)),
        ],
      ],
    );
    const lags = photosSeen.lags;
    console.log(
      `\n"ready" = the runtime's \`photo ready\` line (written after the \`ready\` write and the event) ` +
        `reaching the bench: ${lags.length} lines, ${median(lags).toFixed(0)} ms p50 / ${Math.max(...lags).toFixed(0)} ms max ` +
        'after their own timestamp (1 ms resolution).',
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
  } catch (error) {
    console.error(`runtime output (tail):\n${runtime.output().slice(-4000)}`);
    throw error;
  } finally {
    http.close();
    await runtime.stop();
    console.log(`\nFinished ${new Date().toISOString()}, load average ${loadLine()}`);
  }
}

const loadLine = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(', ');

/**
 * The whole machine's CPU time in ticks (first line of `/proc/stat`): busy is everything but idle
 * and iowait. On a shared machine it shows how much of the cores other processes took.
 */
async function machineCpu(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

/** How a photo's wait ends. */
type Outcome = { ready: number } | { rejected: string } | { crashed: Error };

/**
 * Resolves, per photo id, when the runtime logs `photo ready` (with when it logged `photo
 * received`, if it did); rejects when it logs a rejection, so a refused upload fails the run
 * instead of hanging it.
 */
function watchPhotos(runtime: BenchRuntime): {
  wait(photoId: string, timeoutMs: number): Promise<{ received?: number; ready: number }>;
  /** Per `photo ready` line: arrival (wall clock) minus the line's own `timestamp`, in ms. */
  lags: number[];
} {
  const lags: number[] = [];
  const received = new Map<string, number>();
  const settled = new Map<string, Outcome>();
  const waiters = new Map<string, (outcome: Outcome) => void>();
  const settle = (id: string, outcome: Outcome) => {
    const waiter = waiters.get(id);
    if (waiter) waiter(outcome);
    else settled.set(id, outcome);
  };
  // A crashed runtime fails every wait at once instead of after its timeout.
  runtime.onCrash((error) => {
    for (const waiter of [...waiters.values()]) waiter({ crashed: error });
  });
  runtime.onLog((line, at) => {
    const id = line.correlation_id;
    if (!id) return;
    if (line.message === 'photo received') received.set(id, at);
    else if (line.message === 'photo ready') {
      const written = Date.parse(String(line.timestamp));
      if (Number.isFinite(written)) lags.push(Date.now() - written);
      settle(id, { ready: at });
    } else if (line.message === 'photo rejected' || line.message === 'photo rejected by full decode')
      settle(id, { rejected: String(line.reason ?? line.reason_code ?? 'rejected') });
  });
  const finish = (id: string, outcome: Outcome) => {
    const seenReceived = received.get(id);
    received.delete(id);
    if ('rejected' in outcome) throw new Error(`photo ${id} was rejected: ${outcome.rejected}`);
    if ('crashed' in outcome) throw outcome.crashed;
    return seenReceived === undefined
      ? { ready: outcome.ready }
      : { received: seenReceived, ready: outcome.ready };
  };
  return {
    lags,
    wait: (photoId, timeoutMs) => {
      const already = settled.get(photoId);
      if (already !== undefined) {
        settled.delete(photoId);
        return Promise.resolve().then(() => finish(photoId, already));
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(photoId);
          reject(new Error(`photo ${photoId} not ready in ${timeoutMs / 1000} s`));
        }, timeoutMs);
        waiters.set(photoId, (outcome) => {
          clearTimeout(timer);
          waiters.delete(photoId);
          try {
            resolve(finish(photoId, outcome));
          } catch (error) {
            reject(error);
          }
        });
      });
    },
  };
}

/** The local workers' OS thread names (`thread` in each `runWorker` call): the split's columns. */
const WORKER_THREADS = { 'qdn-s3': 's3', 'qdn-dynamodb': 'dynamodb', 'qdn-consumers': 'consumers' } as const;

/**
 * CPU a photo over the burst, by where it ran: libvips's own threads (the render), the runtime's
 * main thread (API, queues, bus, pollers), each local worker by the name it gives its thread, and
 * every other thread still running at the end: V8's GC and JIT helpers and the libuv pool, which
 * Node 20 does not name. A thread that ended during the burst is only in the process's total.
 */
function splitThreadCpu(
  before: Map<number, ThreadCpu>,
  after: Map<number, ThreadCpu>,
  pid: number,
  photos: number,
): Record<'render' | 'main' | 's3' | 'dynamodb' | 'consumers' | 'other' | 'total', number> {
  const split = { render: 0, main: 0, s3: 0, dynamodb: 0, consumers: 0, other: 0, total: 0 };
  for (const [tid, thread] of after) {
    const used = (thread.cpuMs - (before.get(tid)?.cpuMs ?? 0)) / photos;
    // A thread a worker starts inherits its name: it is that worker's work too.
    const worker = WORKER_THREADS[thread.name as keyof typeof WORKER_THREADS];
    if (tid === pid) split.main += used;
    else if (thread.name.startsWith('libvips')) split.render += used;
    else if (worker) split[worker] += used;
    else split.other += used;
    split.total += used;
  }
  return split;
}

async function token(http: BenchClient, api: string, sub: string, role: string): Promise<string> {
  const res = await http.postJson<{ token: string }>(`${api}/dev/token`, { sub, role });
  if (res.status !== 200) throw new Error(`/dev/token answered ${res.status}: ${res.text}`);
  return res.json.token;
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
