import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const ENTRY = new URL('./entry.mjs', import.meta.url);

/**
 * Each worker's young generation, in MB. V8's default let the three workers' nurseries (and the
 * 3.3 MB buffers they keep alive until a scavenge) add ≈ 60 MB to a 200-photo burst: peak RSS
 * 544–580 MB with the default against 490–512 MB at 8, with the same drain and CPU a photo
 * (`npm run bench -- pipeline`, bench/RESULTS.md "Off the main thread").
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/** The `--import` preloads this process was started with, but tsx (the worker registers it itself). */
function preloads(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const spec = arg === '--import' ? args[++i] : arg.startsWith('--import=') ? arg.slice(9) : undefined;
    if (!spec || spec === 'tsx' || spec.startsWith('tsx/')) continue;
    out.push(spec.startsWith('.') || spec.startsWith('/') ? pathToFileURL(resolve(spec)).href : spec);
  }
  return out;
}

/**
 * Starts `main` (a TypeScript module URL) on a worker thread of this process with `data` as its
 * `workerData`. The process's `--import` preloads run on the worker too (instrumentation, a test's
 * observer), but only once the entry has registered TypeScript support: passed as data, not
 * execArgv.
 */
export function startWorker(main: URL, data: object): Worker {
  return new Worker(ENTRY, {
    workerData: { ...data, main: main.href, preloads: preloads() },
    execArgv: [],
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
}
