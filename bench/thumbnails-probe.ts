/**
 * Child process of thumbnails.bench.ts: renders in a fresh process so that peak RSS belongs to one
 * job alone and so that UV_THREADPOOL_SIZE (read once, at the pool's first use) can differ per run.
 * Takes one JSON job as argv[2] and answers with one message over IPC.
 */
import { readFileSync } from 'node:fs';
import { type ThumbnailStrategyName, thumbnailStrategies } from '../lib/image/thumbnail-strategies.ts';
import { configureSharp } from '../lib/image/thumbnails.ts';
import { BENCH_RENDER_OPTIONS, benchSource, type RawRgba } from './photo.ts';

/** What the parent asks a probe to do. */
export interface ProbeJob {
  file: string;
  strategy: ThumbnailStrategyName;
  concurrency: number;
  /** Photos rendered at once; 1 with `photos: 1` measures a single photo's memory. */
  inFlight: number;
  photos: number;
  warmup: boolean;
  /** Set when `file` holds raw RGBA pixels rather than an encoded image. */
  raw?: RawRgba;
}

/** What a probe reports. */
export interface ProbeResult {
  wallMs: number;
  /** User + system CPU of the whole process (all threads) while rendering. */
  cpuMs: number;
  latenciesMs: number[];
  rssBeforeMb: number;
  peakRssMb: number;
}

const OPTIONS = BENCH_RENDER_OPTIONS;

async function render(input: Buffer, job: ProbeJob): Promise<number> {
  const started = performance.now();
  const source = await benchSource(input, OPTIONS.maxInputPixels, job.raw);
  await thumbnailStrategies[job.strategy](source, OPTIONS);
  return performance.now() - started;
}

async function probe(job: ProbeJob): Promise<ProbeResult> {
  configureSharp({ concurrency: job.concurrency });
  const input = readFileSync(job.file);
  if (job.warmup) await render(input, job);
  const mb = (bytes: number) => bytes / 2 ** 20;
  const rssBefore = process.memoryUsage().rss;
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  // sharp works on libuv threads, so the main thread is free to sample RSS while it runs.
  let sampledPeak = rssBefore;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const latenciesMs: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < job.photos) {
      next += 1;
      latenciesMs.push(await render(input, job));
    }
  };
  await Promise.all(Array.from({ length: job.inFlight }, worker));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  // The kernel's high-water mark is exact, but only tells us something if this job raised it.
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;
  const peak = Math.max(sampledPeak, maxRssAfter > maxRssBefore ? maxRssAfter : 0);
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    latenciesMs,
    rssBeforeMb: mb(rssBefore),
    peakRssMb: mb(peak),
  };
}

const job = JSON.parse(process.argv[2] ?? '{}') as ProbeJob;
process.send?.(await probe(job));
