import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The local runtime as `npm start` runs it, in a child process the suite can SIGKILL and restart. */
export interface RuntimeChild {
  api: string;
  port: number;
  dataDir: string;
  env: Record<string, string>;
  /** The current process (replaced by {@link restart}). */
  process: ChildProcess;
  output(): string;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function listen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** A port p with p + 1 free too (the API and its S3 endpoint, the same on every restart). */
export async function freePortPair(): Promise<number> {
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function healthy(api: string): Promise<boolean> {
  return (await fetch(`${api}/healthz`).catch(() => null))?.status === 200;
}

/** Starts `node --import tsx local/main.ts` (plus the observer) on a fresh data folder. */
export async function startChild(env: Record<string, string> = {}): Promise<RuntimeChild> {
  const port = await freePortPair();
  const dataDir = await mkdtemp(join(tmpdir(), 'qdn-rel-'));
  const fullEnv = {
    PORT: String(port),
    HOST: '127.0.0.1',
    QDN_DATA_DIR: dataDir,
    QDN_LOG_LEVEL: 'warn',
    UV_THREADPOOL_SIZE: '6',
    MALLOC_ARENA_MAX: '2',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...env,
  };
  let out = '';
  const spawnOne = async (): Promise<ChildProcess> => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', './test/reliability/observer.ts', 'local/main.ts'],
      { env: { ...process.env, ...fullEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (d: Buffer) => {
      out = (out + d.toString()).slice(-200_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + 90_000;
    while (!(await healthy(`http://127.0.0.1:${port}`))) {
      if (child.exitCode !== null) throw new Error(`runtime exited ${child.exitCode}:\n${out.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`runtime not healthy in 90 s:\n${out.slice(-4000)}`);
      await sleep(100);
    }
    return child;
  };
  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((r) => child.once('exit', () => r()));
  const handle: RuntimeChild = {
    api: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    env: fullEnv,
    process: await spawnOne(),
    output: () => out,
    kill: async () => {
      handle.process.kill('SIGKILL');
      await exited(handle.process);
    },
    restart: async () => {
      handle.process = await spawnOne();
    },
    stop: async () => {
      if (handle.process.exitCode === null && handle.process.signalCode === null) {
        handle.process.kill('SIGTERM');
        const done = exited(handle.process);
        if ((await Promise.race([done.then(() => 'ok'), sleep(20_000).then(() => 'late')])) === 'late') {
          handle.process.kill('SIGKILL');
          await done;
        }
      }
      // QDN_REL_KEEP=1 keeps the data folders to look into after a failure.
      if (!process.env.QDN_REL_KEEP) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}
