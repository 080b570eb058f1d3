import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, workerData } from 'node:worker_threads';

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
function startWorker(main: URL, data: object, thread: string | undefined): Worker {
  return new Worker(ENTRY, {
    workerData: { ...data, main: main.href, preloads: preloads(), thread },
    execArgv: [],
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
}

/** The messages every local worker sends about itself: it is up, it could not start, it closed. */
export type LifecycleMessage = { type: 'ready' } | { type: 'failed' } | { type: 'closed' };

/** A started worker: the `ready` message it sent, and how to close it. */
export interface RunningWorker<Ready> {
  ready: Ready;
  /** Asks the worker to close (a `{ type: 'close' }` message) and resolves once it has ended. */
  close(): Promise<void>;
}

/**
 * Starts `main` on a worker thread (`startWorker`) and follows the start-and-close handshake the
 * local endpoints share: resolves with the worker's `ready` message, rejects with `failure(m)` on
 * its `failed` message or when it ends or throws before it is ready; on `closed` the thread is
 * terminated and `close()` resolves. Every other message goes to `onMessage`; `onExit` hears the
 * thread end at any time (after a crash, to fail what was in flight), `onCrash` only when it ends
 * after it was ready without being asked to.
 */
export function runWorker<M extends { type: string }>(
  main: URL,
  data: object,
  options: {
    /** Names the worker in the error thrown when it ends before it is ready. */
    name: string;
    /**
     * The OS thread's name (Linux keeps 15 bytes), e.g. `qdn-s3`: what `top -H` shows and what the
     * pipeline bench splits the runtime's CPU by.
     */
    thread?: string;
    failure(message: Extract<M, { type: 'failed' }>): Error;
    onMessage?(message: Exclude<M, LifecycleMessage>, worker: Worker): void;
    onExit?(code: number): void;
    /** The thread ended after it was ready without being asked to close (a crash). */
    onCrash?: ((code: number) => void) | undefined;
    /** An error the worker throws after it is ready (it then ends: `onExit`, `onCrash`). */
    onError?(error: Error): void;
  },
): Promise<RunningWorker<Extract<M, { type: 'ready' }>> & { worker: Worker }> {
  const worker = startWorker(main, data, options.thread);
  let closed: (() => void) | undefined;
  let started = false;
  let closing = false;
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('exit', (code) => {
      options.onExit?.(code);
      if (started && !closing) options.onCrash?.(code);
      closed?.();
      reject(new Error(`Expected ${options.name} to start but it exited with code ${code}`));
    });
    worker.on('message', (message: M) => {
      switch (message.type) {
        case 'ready':
          started = true;
          worker.off('error', reject);
          worker.on('error', (error: Error) => options.onError?.(error));
          resolve({
            worker,
            ready: message as Extract<M, { type: 'ready' }>,
            close: () =>
              new Promise<void>((done) => {
                closing = true;
                closed = done;
                worker.postMessage({ type: 'close' });
              }),
          });
          return;
        case 'failed':
          reject(options.failure(message as Extract<M, { type: 'failed' }>));
          return;
        case 'closed':
          void worker.terminate().then(() => closed?.());
          return;
        default:
          options.onMessage?.(message as Exclude<M, LifecycleMessage>, worker);
      }
    });
  });
}

/** On a worker `startWorker` started: the `data` it was given, without what the entry used. */
export function workerOptions<T>(): T {
  const { main: _main, preloads: _preloads, ...data } = workerData as { main?: string; preloads?: string[] };
  return data as T;
}
