// The local S3 endpoint's worker thread starts here. Plain JavaScript on purpose: a worker gets a
// fresh module loader and is started without the process's `--import` preloads, so TypeScript
// support is registered first, then the process's preloads (see worker-host.ts), then the endpoint.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
for (const preload of workerData.preloads ?? []) await import(preload);
await import('./worker-main.ts');
