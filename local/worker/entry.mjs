// A local endpoint's worker thread starts here (local/worker/start.ts). Plain JavaScript on
// purpose: a worker gets a fresh module loader and is started without the process's `--import`
// preloads, so TypeScript support is registered first, then the process's preloads, then the
// endpoint's own module (`workerData.main`).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
for (const preload of workerData.preloads ?? []) await import(preload);
await import(workerData.main);
