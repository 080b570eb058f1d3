import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** What the worker answers for one decode. */
type WorkerAnswer =
  | { id: number; width: number; height: number; data: Uint8ClampedArray }
  | { id: number; tooMany: { width: number; height: number } }
  | { id: number; error: string };

/** The result of one decode in the worker (the caller turns `tooMany` into its own error). */
export type WorkerDecode =
  | { width: number; height: number; data: Uint8ClampedArray }
  | { tooMany: { width: number; height: number } };

const WORKER_FILE = new URL('./heic-worker.mjs', import.meta.url);

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (a: WorkerAnswer) => void; reject: (e: Error) => void }>();

/**
 * True where the worker file ships beside this module (the repo, `npm start`, tests). A bundle
 * that left it out (the Lambda bundle, one photo per invocation) decodes on the calling thread.
 */
export function heicWorkerAvailable(): boolean {
  return WORKER_FILE.protocol === 'file:' && existsSync(fileURLToPath(WORKER_FILE));
}

function startWorker(): Worker {
  const started = new Worker(WORKER_FILE);
  started.on('message', (answer: WorkerAnswer) => {
    const waiter = pending.get(answer.id);
    if (!waiter) return;
    pending.delete(answer.id);
    if (pending.size === 0) started.unref();
    waiter.resolve(answer);
  });
  const fail = (error: Error) => {
    // A crashed worker fails what it held; the next decode starts a new one.
    if (worker === started) worker = undefined;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  started.on('error', fail);
  started.on('exit', (code) => fail(new Error(`HEIC decoder worker exited with code ${code}`)));
  return started;
}

/**
 * Decodes an HEVC HEIC's primary image in the shared worker thread, so the event loop (the API,
 * in the local runtime) keeps answering during the ~1 s of WASM. One worker, one decode at a
 * time (its WASM heap holds a whole image and never shrinks: one heap, not one per photo).
 */
export function decodeHeicInWorker(
  input: Buffer,
  options: { maxInputPixels: number; primaryIndex: number },
): Promise<WorkerDecode> {
  worker ??= startWorker();
  const active = worker;
  const id = nextId++;
  // A copy the worker owns: the caller's Buffer may be a view into a pooled or shared allocation.
  const copy = new Uint8Array(input).buffer;
  return new Promise<WorkerAnswer>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    active.ref();
    active.postMessage({ id, input: copy, ...options }, [copy]);
  }).then((answer) => {
    if ('error' in answer) throw new Error(answer.error);
    if ('tooMany' in answer) return { tooMany: answer.tooMany };
    return { width: answer.width, height: answer.height, data: answer.data };
  });
}
