import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3LogEntry, S3Server } from './types.ts';
import { startS3ServerInWorker } from './worker-host.ts';

const credentials = { accessKeyId: 'worker-test', secretAccessKey: 'worker-test-secret' };
let dir: string;
let server: S3Server;
const bodies: string[] = [];
const logs: S3LogEntry[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qdn-s3-worker-'));
  server = await startS3ServerInWorker({
    host: '127.0.0.1',
    port: 0,
    dataDir: dir,
    region: 'us-east-1',
    credentials: [credentials],
    buckets: [
      {
        name: 'qdn-worker-test',
        cors: [],
        notifications: [
          {
            id: 'uploads-notification',
            prefix: 'photos/',
            // Resolves later: the upload's answer must still wait for it, across the threads.
            send: async (body) => {
              await new Promise((r) => setTimeout(r, 20));
              bodies.push(body);
            },
          },
        ],
      },
    ],
    log: (entry) => logs.push(entry),
  });
}, 30_000);
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the local S3 endpoint on a worker thread', () => {
  it('sends the one-time test event and answers an upload only once its notification is handed over', async () => {
    expect(bodies.some((b) => b.includes('s3:TestEvent'))).toBe(true);
    const s3 = new S3Client({ region: 'us-east-1', endpoint: server.url, forcePathStyle: true, credentials });
    try {
      await s3.send(
        new PutObjectCommand({ Bucket: 'qdn-worker-test', Key: 'photos/a.jpg', Body: Buffer.from('x') }),
      );
      const created = bodies.filter((b) => b.includes('photos/a.jpg'));
      expect(created).toHaveLength(1);
      expect(JSON.parse(created[0] as string).Records[0].eventName).toMatch(/^ObjectCreated:/);
      // A key outside the prefix notifies nobody; an unsigned request is refused by the worker.
      await s3.send(new PutObjectCommand({ Bucket: 'qdn-worker-test', Key: 'other/b', Body: 'y' }));
      expect(bodies.filter((b) => b.includes('other/b'))).toHaveLength(0);
      const unsigned = await fetch(`${server.url}/qdn-worker-test/photos/c.jpg`, {
        method: 'PUT',
        body: 'z',
      });
      expect(unsigned.status).toBe(403);
    } finally {
      s3.destroy();
    }
  });

  it('fails to start on a busy port with the listen error (code and port), so the start-up line can name it', async () => {
    const error = await startS3ServerInWorker({
      host: '127.0.0.1',
      port: server.port,
      dataDir: dir,
      region: 'us-east-1',
      credentials: [credentials],
      buckets: [{ name: 'qdn-worker-test', cors: [], notifications: [] }],
    }).catch((e: unknown) => e as NodeJS.ErrnoException & { port?: number });
    expect(error).toMatchObject({ code: 'EADDRINUSE', port: server.port });
  });
});
