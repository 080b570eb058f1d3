// A local endpoint's worker thread starts here (local/worker/start.ts). Plain JavaScript on
// purpose: a worker gets a fresh module loader and is started without the process's `--import`
// preloads, so TypeScript support is registered first, then the process's preloads, then the
// endpoint's own module (`workerData.main`).
import { writeFileSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// The thread's name in `top -H`, `ps -L` and /proc/<pid>/task/<tid>/comm (Linux; elsewhere, or if
// refused, the thread keeps the process's name): an on-call engineer sees which local endpoint
// spends the CPU, and the pipeline bench splits the runtime's CPU by it.
if (workerData.thread) {
  try {
    writeFileSync('/proc/thread-self/comm', workerData.thread);
  } catch {}
}

register();
for (const preload of workerData.preloads ?? []) await import(preload);
await import(workerData.main);
