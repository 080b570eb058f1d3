import { startWorker } from '../worker/start.ts';
import type { S3Server, S3ServerOptions } from './types.ts';
import type { FromS3Worker, S3WorkerOptions, ToS3Worker } from './worker-protocol.ts';

const MAIN = new URL('./worker-main.ts', import.meta.url);

/**
 * Starts the local S3 endpoint (`startS3Server`, same options and answer) on its own worker
 * thread of this process. A 3.3 MB upload's HTTP parsing, MD5 and file writes, and a download's
 * reads, then run beside the API, DynamoDB and the functions instead of on their event loop: in a
 * burst that loop was the bottleneck while the second core was not fully used (bench/RESULTS.md).
 * Notifications come back to this thread, where their targets run (the queues live here), and
 * the upload is answered only once its targets are done, as in-process.
 */
export function startS3ServerInWorker(options: S3ServerOptions): Promise<S3Server> {
  if (options.now) throw new TypeError('Expected no test clock for an S3 endpoint on a worker thread');
  const data: S3WorkerOptions = {
    host: options.host,
    port: options.port,
    dataDir: options.dataDir,
    region: options.region,
    credentials: options.credentials,
    buckets: options.buckets.map((b) => ({
      name: b.name,
      cors: b.cors,
      notifications: b.notifications.map((n) => ({ id: n.id, prefix: n.prefix })),
    })),
  };
  const worker = startWorker(MAIN, data);
  const send = (message: ToS3Worker) => worker.postMessage(message);
  let closed: (() => void) | undefined;
  return new Promise<S3Server>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('exit', (code) => {
      closed?.();
      reject(new Error(`Expected the S3 worker to start but it exited with code ${code}`));
    });
    worker.on('message', (message: FromS3Worker) => {
      switch (message.type) {
        case 'ready':
          worker.off('error', reject);
          worker.on('error', (error) =>
            options.log?.({ level: 'error', msg: 's3 worker failed', error: String(error) }),
          );
          resolve({
            url: message.url,
            port: message.port,
            close: () =>
              new Promise<void>((done) => {
                closed = done;
                send({ type: 'close' });
              }),
          });
          return;
        case 'failed': {
          const error = Object.assign(new Error(message.message), {
            ...(message.code ? { code: message.code } : {}),
            ...(message.port !== undefined ? { port: message.port } : {}),
          });
          reject(error);
          return;
        }
        case 'notify': {
          const target = options.buckets[message.bucket]?.notifications[message.target];
          // The worker logs a failing target itself (notifyObjectCreated); here it only must not hang.
          Promise.resolve()
            .then(() => target?.send(message.body))
            .catch((error: unknown) =>
              options.log?.({
                level: 'error',
                msg: 's3 notification target failed; the event is lost',
                configurationId: target?.id,
                error: error instanceof Error ? error.message : String(error),
              }),
            )
            .finally(() => send({ type: 'ack', id: message.id }));
          return;
        }
        case 'log':
          options.log?.(message.entry);
          return;
        case 'closed':
          void worker.terminate().then(() => closed?.());
          return;
      }
    });
  });
}
