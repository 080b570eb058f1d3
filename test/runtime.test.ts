import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../lib/topology/topology.ts';
import type { Topology } from '../lib/topology/types.ts';
import { type LocalStack, startLocalStack } from './helpers/local-stack.ts';

// Fast retries so a poisoned message reaches its DLQ within the test. No batching window: a 1 s
// window equal to the 1 s visibility timeout let the message reappear (new receipt handle) before
// its failure was recorded, so the DLQ copy sometimes had no lastError on a loaded machine.
const fastTopology: Topology = {
  ...topology,
  queues: {
    ...topology.queues,
    uploads: {
      ...topology.queues.uploads,
      visibilityTimeoutSeconds: 1,
      maxReceiveCount: 2,
      consumer: { ...topology.queues.uploads.consumer, maxBatchingWindowSeconds: 0 },
    },
  },
};

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({}, { topology: fastTopology });
});
afterAll(() => stack?.stop());

describe('the local runtime', () => {
  it('answers /healthz and /dev/info', async () => {
    expect(await stack.call('GET', '/healthz')).toMatchObject({ status: 200, body: { ok: true } });
    const info = await stack.call('GET', '/dev/info');
    expect(info.body).toMatchObject({
      api: stack.api,
      s3: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      dynamodb: expect.stringMatching(/^http:/),
      data_dir: stack.runtime.dataDir,
      users: expect.arrayContaining([{ sub: 'crew-demo', role: 'crew', name: expect.any(String) }]),
      jobs: expect.arrayContaining([
        expect.objectContaining({ job_id: 'job-demo-1', customer_id: 'cust-demo', crew_ids: ['crew-demo'] }),
      ]),
    });
  });

  it('issues tokens for seeded users only', async () => {
    expect(
      (await stack.call('POST', '/dev/token', { body: { sub: 'crew-demo', role: 'crew' } })).status,
    ).toBe(200);
    const wrongRole = await stack.call('POST', '/dev/token', { body: { sub: 'crew-demo', role: 'admin' } });
    expect(wrongRole).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect((await stack.call('POST', '/dev/token', { body: { sub: 'nobody', role: 'crew' } })).status).toBe(
      400,
    );
  });

  it('answers unknown pages with the 404 page and other unknown requests with the API error shape', async () => {
    const page = await stack.call('GET', '/nope');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await stack.call('POST', '/nope')).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
  });

  it('serves the dashboard and never a file outside web/', async () => {
    const page = await fetch(`${stack.api}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('QuickDumpNow');
    expect((await fetch(`${stack.api}/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('dead-letters a message whose handler keeps failing after maxReceiveCount, and redrives it', async () => {
    const { queues } = stack.runtime;
    const q = fastTopology.queues.uploads;
    queues.send(q.name, 'this is not an S3 event');
    await expect.poll(() => queues.counts(q.dlqName).visible, { timeout: 15_000, interval: 200 }).toBe(1);
    const [dead] = queues.peek(q.dlqName);
    expect(dead).toMatchObject({
      body: 'this is not an S3 event',
      receiveCount: 2,
      deadLetterSourceQueue: q.name,
    });
    // The real cause, not just "it was in batchItemFailures".
    expect(dead?.lastError).toMatch(/^MalformedMessageError: Expected an S3 event notification/);

    expect(queues.redrive(q.dlqName)).toBe(1);
    expect(queues.counts(q.dlqName).visible).toBe(0);
    // Back in the source queue it is delivered (and fails) again — it was moved, not lost.
    await expect.poll(() => queues.counts(q.dlqName).visible, { timeout: 15_000, interval: 200 }).toBe(1);
  });
});

describe('npm start', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'qdn-start-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('boots, prints the URLs and seeded users, stops cleanly on SIGTERM and reuses its data', async () => {
    const first = await bootAndStop(dataDir);
    expect(first.output).toContain('crew-demo');
    expect(first.output).toContain('/dev/token');
    expect(first.code).toBe(0);
    const key = await readFile(join(dataDir, 'identity', 'signing-key.json'), 'utf8');
    const second = await bootAndStop(dataDir);
    expect(second.code).toBe(0);
    expect(await readFile(join(dataDir, 'identity', 'signing-key.json'), 'utf8')).toBe(key);
  }, 150_000);

  it('stops with a message naming a malformed variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      env: { ...process.env, PORT: 'eighty', QDN_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT: .*received "eighty"/);
  }, 30_000);
});

async function bootAndStop(dataDir: string): Promise<{ output: string; code: number | null }> {
  // Both ports free and explicit: with only PORT, the S3 endpoint would take PORT + 1, which a
  // test running beside this one may hold.
  const port = await freePort();
  const s3Port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      QDN_S3_PORT: String(s3Port),
      QDN_DATA_DIR: dataDir,
      QDN_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  // A start that fails ends the wait at once, and either failure shows what the runtime printed.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`npm start exited (${exitCode}) before /healthz answered:\n${output}`);
    const status = (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status;
    if (status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `npm start: /healthz did not answer 200 within 60 s (last: ${status}); output:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGTERM');
  return { output, code: await exited };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
