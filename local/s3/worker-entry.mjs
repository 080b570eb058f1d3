// The local S3 endpoint's worker thread starts here. Plain JavaScript on purpose: a worker gets a
// fresh module loader (on Node 20 not even `--import tsx` carries over), so TypeScript support is
// registered first, then the endpoint itself is loaded.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
