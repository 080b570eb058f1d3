/**
 * Which way of producing every thumbnail size from one original is fastest, what it costs in
 * memory, and how many photos to keep in flight with which sharp concurrency.
 *
 * Baseline: strategy (d), decoding the whole original to raw pixels, measured in the same run.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { type ThumbnailStrategyName, thumbnailStrategies } from '../lib/image/thumbnail-strategies.ts';
import { configureSharp, THUMBNAIL_STRATEGY } from '../lib/image/thumbnails.ts';
import { BENCH_RENDER_OPTIONS, benchSource, phonePhoto, type RawRgba } from './photo.ts';
import { median, percentile, printTable, ratio } from './report.ts';
import type { ProbeJob, ProbeResult } from './thumbnails-probe.ts';

const RUNS = 7;
const THROUGHPUT_PHOTOS = 8;
const OPTIONS = BENCH_RENDER_OPTIONS;
const STRATEGIES: { name: ThumbnailStrategyName; label: string }[] = [
  { name: 'full-decode', label: '(d) full decode to raw, then resize (baseline)' },
  { name: 'independent', label: '(a) independent pipelines from the buffer' },
  { name: 'clone', label: '(b) one instance, clone() per size' },
  { name: 'chained', label: '(c) chained: largest as raw, sizes from it' },
];

interface Photo {
  label: string;
  file: string;
  input: Buffer;
  raw?: RawRgba;
}

interface Sample {
  wallMs: number;
  /** CPU of all threads: steadier than wall time on a shared machine, and what a busy worker pays. */
  cpuMs: number;
}

/** Per-photo wall and CPU time of each strategy, round-robin so that machine noise hits all alike. */
async function timeStrategies(photo: Photo): Promise<Map<ThumbnailStrategyName, Sample[]>> {
  const samples = new Map<ThumbnailStrategyName, Sample[]>(STRATEGIES.map((s) => [s.name, []]));
  for (let run = -1; run < RUNS; run += 1) {
    for (const { name } of STRATEGIES) {
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const source = await benchSource(photo.input, OPTIONS.maxInputPixels, photo.raw);
      await thumbnailStrategies[name](source, OPTIONS);
      const cpu = process.cpuUsage(cpuBefore);
      // Run -1 warms up code paths and libvips' thread pool and is not recorded.
      if (run >= 0)
        samples
          .get(name)
          ?.push({ wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
  }
  return samples;
}

function probe(job: ProbeJob, env: NodeJS.ProcessEnv = {}): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./thumbnails-probe.ts', import.meta.url), [JSON.stringify(job)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ProbeResult | undefined;
    child.on('message', (message) => {
      result = message as ProbeResult;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`Probe exited with ${code} for ${JSON.stringify(job)}`)),
    );
  });
}

async function strategyTable(photo: Photo, concurrency: number): Promise<void> {
  const samples = await timeStrategies(photo);
  const wall = (name: ThumbnailStrategyName) => (samples.get(name) ?? []).map((s) => s.wallMs);
  const cpu = (name: ThumbnailStrategyName) => median((samples.get(name) ?? []).map((s) => s.cpuMs));
  const baseline = median(wall('full-decode'));
  const cpuBaseline = cpu('full-decode');
  const rows: (string | number)[][] = [];
  for (const { name, label } of STRATEGIES) {
    // A fresh process per strategy: its first photo, cold, is what a new Lambda instance pays.
    const memory = await probe({
      file: photo.file,
      raw: photo.raw,
      strategy: name,
      concurrency,
      inFlight: 1,
      photos: 1,
      warmup: false,
    });
    const t = wall(name);
    rows.push([
      label,
      median(t).toFixed(0),
      percentile(t, 90).toFixed(0),
      ratio(median(t), baseline),
      cpu(name).toFixed(0),
      ratio(cpu(name), cpuBaseline),
      (memory.peakRssMb - memory.rssBeforeMb).toFixed(0),
    ]);
  }
  printTable(
    `${photo.label}: per-photo wall time (N=${RUNS}) and peak RSS, sharp concurrency ${concurrency}`,
    [
      'strategy',
      'median ms',
      'p90 ms',
      'time vs (d)',
      'CPU ms',
      'CPU vs (d)',
      'peak RSS Δ MB (fresh process)',
    ],
    rows,
  );
}

async function throughputTable(photo: Photo): Promise<void> {
  const cores = availableParallelism();
  const configs: { strategy: ThumbnailStrategyName; inFlight: number; concurrency: number; uv?: string }[] =
    [];
  // The two fastest strategies per photo; which wins under load is what the worker feels.
  for (const strategy of ['independent', 'chained'] as const) {
    for (const inFlight of [1, 2]) {
      for (const concurrency of [1, cores]) configs.push({ strategy, inFlight, concurrency });
    }
  }
  configs.push({ strategy: THUMBNAIL_STRATEGY, inFlight: 2, concurrency: 1, uv: '1' });
  const rows: (string | number)[][] = [];
  let baseline = 0;
  for (const { strategy, inFlight, concurrency, uv } of configs) {
    const job = {
      file: photo.file,
      strategy,
      concurrency,
      inFlight,
      photos: THROUGHPUT_PHOTOS,
      warmup: true,
    };
    const result = await probe(job, uv ? { UV_THREADPOOL_SIZE: uv } : {});
    const perSecond = (THROUGHPUT_PHOTOS * 1000) / result.wallMs;
    baseline ||= perSecond;
    rows.push([
      strategy,
      inFlight,
      concurrency,
      uv ?? '4 (default)',
      perSecond.toFixed(2),
      ratio(perSecond, baseline),
      (result.cpuMs / THROUGHPUT_PHOTOS).toFixed(0),
      median(result.latenciesMs).toFixed(0),
      result.peakRssMb.toFixed(0),
    ]);
  }
  printTable(
    `${photo.label}: throughput over ${THROUGHPUT_PHOTOS} photos on ${cores} cores (baseline: first row)`,
    [
      'strategy',
      'in flight',
      'sharp concurrency',
      'UV_THREADPOOL_SIZE',
      'photos/s',
      'vs baseline',
      'CPU ms/photo',
      'median latency ms',
      'peak RSS MB',
    ],
    rows,
  );
}

/**
 * Phone-like JPEGs at 12 and 48 MP, the 12 MP one as WebP (no DCT shrink-on-load for PNG/WebP to
 * hide a second decode), and as raw RGBA, which is what a HEIC becomes after heic-decode.
 */
async function makePhotos(dir: string): Promise<Photo[]> {
  const photos: Photo[] = [];
  const save = (name: string, input: Buffer, label: string, raw?: RawRgba) => {
    const file = join(dir, name);
    writeFileSync(file, input);
    photos.push({ label: `${label}, ${(input.length / 1e6).toFixed(1)} MB`, file, input, raw });
  };
  for (const [width, height] of [
    [4032, 3024],
    [8064, 6048],
  ] as const) {
    save(
      `${width}.jpg`,
      await phonePhoto(width, height),
      `${Math.floor((width * height) / 1e6)} MP JPEG ${width}×${height}`,
    );
  }
  const twelve = photos[0]?.input ?? Buffer.alloc(0);
  save('4032.webp', await sharp(twelve).webp({ quality: 90 }).toBuffer(), '12 MP WebP 3024×4032 (upright)');
  const { data, info } = await sharp(twelve)
    .autoOrient()
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  save('4032.rgba', data, '12 MP raw RGBA, as a decoded HEIC', { width: info.width, height: info.height });
  return photos;
}

/** Prints the strategy tables for every input and the throughput table for the 12 MP JPEG. */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qdn-bench-'));
  try {
    // Same settings as the thumbnail function: the cache off, one libvips thread per pipeline.
    configureSharp({ concurrency: 1 });
    const photos = await makePhotos(dir);
    console.log(
      `\nsharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}; sizes 320 and 1280 px, WebP q${OPTIONS.quality}; ` +
        'EXIF orientation 6 (every strategy rotates).',
    );
    for (const photo of photos) await strategyTable(photo, 1);
    await throughputTable(photos[0] as Photo);
    console.log(`\nChosen: THUMBNAIL_STRATEGY = '${THUMBNAIL_STRATEGY}' (lib/image/thumbnails.ts).`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
