import { parentPort } from 'node:worker_threads';
import { workerOptions } from '../worker/start.ts';
import { startS3Server } from './server.ts';
import type { S3LogEntry } from './types.ts';
import type { FromS3Worker, S3WorkerOptions, ToS3Worker } from './worker-protocol.ts';

// Runs the local S3 endpoint on this worker thread (see worker-host.ts): its HTTP parsing, MD5
// and file I/O for 3.3 MB uploads no longer share the event loop of the API and DynamoDB.
const port = parentPort;
if (!port) throw new Error('Expected to run in a worker thread (local/s3/worker-host.ts)');
const options = workerOptions<S3WorkerOptions>();
const post = (message: FromS3Worker) => port.postMessage(message);

let next = 0;
const acks = new Map<number, () => void>();
let server: Awaited<ReturnType<typeof startS3Server>> | undefined;
// Listening from the start: S3's one-time s3:TestEvent is sent (and its ack awaited) while the
// endpoint starts, and an open port keeps this thread alive until then.
port.on('message', (message: ToS3Worker) => {
  if (message.type === 'ack') {
    acks.get(message.id)?.();
    acks.delete(message.id);
  } else if (message.type === 'close') {
    void (server?.close() ?? Promise.resolve()).finally(() => {
      post({ type: 'closed' });
      port.close();
    });
  }
});

try {
  server = await startS3Server({
    ...options,
    buckets: options.buckets.map((bucket, b) => ({
      name: bucket.name,
      cors: bucket.cors,
      notifications: bucket.notifications.map((target, t) => ({
        id: target.id,
        prefix: target.prefix,
        // Handed to the main thread's queue, awaited as before: an upload is acknowledged only
        // once its event is queued.
        send: (body: string) =>
          new Promise<void>((resolve) => {
            const id = next++;
            acks.set(id, resolve);
            post({ type: 'notify', id, bucket: b, target: t, body });
          }),
      })),
    })),
    log: (entry: S3LogEntry) => post({ type: 'log', entry }),
  });
  post({ type: 'ready', url: server.url, port: server.port });
} catch (error) {
  const e = error as NodeJS.ErrnoException & { port?: number };
  post({
    type: 'failed',
    message: e instanceof Error ? e.message : String(e),
    ...(e?.code ? { code: e.code } : {}),
    ...(typeof e?.port === 'number' ? { port: e.port } : {}),
  });
  port.close();
}
