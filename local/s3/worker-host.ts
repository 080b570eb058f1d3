import { runWorker } from '../worker/start.ts';
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
export async function startS3ServerInWorker(
  options: S3ServerOptions,
  host: { onCrash?(code: number): void } = {},
): Promise<S3Server> {
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
  const running = await runWorker<FromS3Worker>(MAIN, data, {
    name: 'the S3 worker',
    thread: 'qdn-s3',
    onCrash: host.onCrash,
    failure: (message) =>
      Object.assign(new Error(message.message), {
        ...(message.code ? { code: message.code } : {}),
        ...(message.port !== undefined ? { port: message.port } : {}),
      }),
    onError: (error) => options.log?.({ level: 'error', msg: 's3 worker failed', error: String(error) }),
    onMessage: (message, worker) => {
      switch (message.type) {
        case 'notify': {
          const target = options.buckets[message.bucket]?.notifications[message.target];
          const ack: ToS3Worker = { type: 'ack', id: message.id };
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
            .finally(() => worker.postMessage(ack));
          return;
        }
        case 'log':
          options.log?.(message.entry);
          return;
      }
    },
  });
  return { url: running.ready.url, port: running.ready.port, close: running.close };
}
