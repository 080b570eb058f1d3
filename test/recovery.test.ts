import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postToS3 } from './helpers/local-stack.ts';

// These start the runtime as `npm start` does, in child processes, and kill them for real.

interface Child {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(command: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(command, args, {
    env: { ...process.env, QDN_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  return {
    process: child,
    output: () => output,
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
}

/** The exit code, or 'still running' after `ms` (the caller then kills it). */
function exitWithin(child: Child, ms: number): Promise<number | null | 'still running'> {
  return Promise.race([
    child.exited,
    new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), ms).unref()),
  ]);
}

function startRuntimeProcess(port: number, dataDir: string): Child {
  return start(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    PORT: String(port),
    QDN_DATA_DIR: dataDir,
  });
}

function listen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** A port p with p + 1 free too (the API and the S3 endpoint that goes with it). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    const a = await listen(port);
    const b = a && (await listen(port + 1));
    await new Promise<void>((r) => (a ? a.close(() => r()) : r()));
    await new Promise<void>((r) => (b ? b.close(() => r()) : r()));
    if (a && b) return port;
  }
  throw new Error('Expected to find two adjacent free ports');
}

async function healthy(api: string): Promise<boolean> {
  return (await fetch(`${api}/healthz`).catch(() => null))?.status === 200;
}

async function waitHealthy(api: string, child: Child): Promise<void> {
  await expect
    .poll(
      async () => {
        if (child.process.exitCode !== null) throw new Error(`runtime exited:\n${child.output()}`);
        return healthy(api);
      },
      { timeout: 60_000, interval: 200 },
    )
    .toBe(true);
}

async function token(api: string, sub: string, role: string): Promise<string> {
  const res = await fetch(`${api}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub, role }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function grant(api: string, crew: string, size: number) {
  const res = await fetch(`${api}/upload-url`, {
    method: 'POST',
    headers: { authorization: `Bearer ${crew}`, 'content-type': 'application/json' },
    body: JSON.stringify({ job_id: 'job-demo-1', filename: 'crash.jpg', content_type: 'image/jpeg', size }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { photo_id: string; url: string; fields: Record<string, string> };
}

async function statuses(api: string, customer: string): Promise<Map<string, string>> {
  const res = await fetch(`${api}/list-photos?job_id=job-demo-1&limit=200`, {
    headers: { authorization: `Bearer ${customer}` },
  });
  const body = (await res.json()) as { photos: Array<{ photo_id: string; status: string }> };
  return new Map(body.photos.map((p) => [p.photo_id, p.status]));
}

/** Every process below `pid` (children, their children, …), by pid. */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
  } catch {
    // pgrep exits 1 when there are none
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** Messages a dead process held: hidden, with a receipt handle, in the runtime's queue file. */
function heldInFlight(dataDir: string): number {
  const db = new Database(join(dataDir, 'queues.sqlite'), { readonly: true });
  try {
    const row = db
      .prepare('SELECT COUNT(*) AS n FROM messages WHERE receipt_handle IS NOT NULL AND visible_at > ?')
      .get(Date.now()) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

describe('crash recovery of the embedded runtime (issue 11, finding 2)', () => {
  let dataDir: string;
  const children: Child[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'qdn-crash-'));
  });
  afterAll(async () => {
    for (const c of children) if (c.process.exitCode === null) c.process.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('gets every photo interrupted by SIGKILL ready within 30 s of the restart, on the same S3 port', async () => {
    // Prepare: a runtime with photos in flight.
    const port = await freePortPair();
    const api = `http://127.0.0.1:${port}`;
    const first = startRuntimeProcess(port, dataDir);
    children.push(first);
    await waitHealthy(api, first);
    const s3Before = ((await (await fetch(`${api}/dev/info`)).json()) as { s3: string }).s3;
    const crew = await token(api, 'crew-demo', 'crew');
    const photos = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        sharp({
          create: { width: 3000, height: 2250, channels: 3, background: { r: 30 * i, g: 90, b: 160 } },
        })
          .jpeg({ quality: 90 })
          .toBuffer(),
      ),
    );
    const grants = await Promise.all(photos.map((p) => grant(api, crew, p.length)));
    // A grant issued before the crash and used after it.
    const spare = await grant(api, crew, photos[0]?.length ?? 1);
    const uploads = await Promise.all(
      grants.map((g, i) => postToS3(g, photos[i] ?? Buffer.alloc(1), 'image/jpeg')),
    );
    expect(uploads.map((u) => u.status)).toEqual(grants.map(() => 201));
    // Act: kill it mid-work, then start again on the same data folder.
    first.process.kill('SIGKILL');
    await first.exited;
    const held = heldInFlight(dataDir);
    const restartedAt = Date.now();
    const second = startRuntimeProcess(port, dataDir);
    children.push(second);
    await waitHealthy(api, second);
    // Assess
    expect(held).toBeGreaterThan(0);
    const customer = await token(api, 'cust-demo', 'customer');
    await expect
      .poll(
        async () => {
          const now = await statuses(api, customer);
          return grants.filter((g) => now.get(g.photo_id) !== 'ready').length;
        },
        { timeout: 30_000 - (Date.now() - restartedAt), interval: 250 },
      )
      .toBe(0);
    const readyAfterMs = Date.now() - restartedAt;
    expect(readyAfterMs).toBeLessThan(30_000);
    console.info(
      `crash recovery: ${held} messages held at SIGKILL; all ${grants.length} photos ready ${readyAfterMs} ms after the restart began`,
    );
    // The S3 endpoint is where it was, so a grant issued before the crash still works (finding 4).
    const s3After = ((await (await fetch(`${api}/dev/info`)).json()) as { s3: string }).s3;
    expect(s3After).toBe(s3Before);
    expect((await postToS3(spare, photos[0] ?? Buffer.alloc(1), 'image/jpeg')).status).toBe(201);
    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 150_000);
});

describe('npm start (issue 11, finding 6)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'qdn-npm-start-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('stops the runtime when the npm start process gets SIGTERM (one process owns the signals)', async () => {
    const port = await freePortPair();
    const api = `http://127.0.0.1:${port}`;
    const child = start('npm', ['start', '--silent'], { PORT: String(port), QDN_DATA_DIR: dataDir });
    let runtimePids: number[] = [];
    try {
      await waitHealthy(api, child);
      // The processes npm started, to clean up after a failure (never anything else).
      runtimePids = descendants(child.process.pid ?? 0);
      child.process.kill('SIGTERM');
      await child.exited;
      await expect.poll(() => healthy(api), { timeout: 15_000, interval: 250 }).toBe(false);
    } finally {
      for (const pid of runtimePids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone, as it should be
        }
      }
    }
  }, 90_000);

  it('says in one plain line which variable to change when the port is busy', async () => {
    const port = await freePortPair();
    const blocker = await listen(port);
    const child = startRuntimeProcess(port, dataDir);
    try {
      expect(await exitWithin(child, 30_000)).toBe(1);
      const lines = child
        .output()
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('{'));
      expect(lines).toEqual([
        `Port 127.0.0.1:${port} is already in use: set PORT to a free port (e.g. PORT=${port + 100} npm start).`,
      ]);
    } finally {
      // A runtime that started anyway is not left running.
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
      await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
    }
  }, 60_000);

  it('names QDN_S3_PORT when the port of the S3 endpoint (PORT + 1) is the busy one', async () => {
    const port = await freePortPair();
    const blocker = await listen(port + 1);
    const child = startRuntimeProcess(port, dataDir);
    try {
      expect(await exitWithin(child, 30_000)).toBe(1);
      const lines = child
        .output()
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('{'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Port 127.0.0.1:${port + 1} is already in use`);
      expect(lines[0]).toContain('set QDN_S3_PORT to a free port');
    } finally {
      // A runtime that started anyway is not left running.
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
      await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
    }
  }, 60_000);
});
