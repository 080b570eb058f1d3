import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { freePortPair } from '../test/reliability/child.ts';

/** One JSON log line of the runtime (Powertools' shape: `message`, `level`, the extra keys). */
export interface RuntimeLogLine {
  message?: string;
  level?: string;
  correlation_id?: string;
  [key: string]: unknown;
}

/** The runtime's memory as the kernel counts it (`/proc/<pid>/status`). */
export interface RuntimeMemory {
  /** VmRSS: resident now. */
  rssBytes: number;
  /** VmHWM: the highest resident size since start (or since {@link BenchRuntime.resetPeak}). */
  hwmBytes: number;
}

/** The local runtime in its own process, as `npm start` runs it, seen from outside. */
/** One thread of the runtime: its name (`/proc/<pid>/task/<tid>/stat`) and CPU ms so far. */
export interface ThreadCpu {
  name: string;
  cpuMs: number;
}

export interface BenchRuntime {
  api: string;
  pid: number;
  dataDir: string;
  /** The command line, for the report. */
  command: string;
  /** Calls `listener` with every JSON line the runtime writes to stdout, stamped on arrival. */
  onLog(listener: (line: RuntimeLogLine, at: number) => void): void;
  /** Calls `listener` if the process exits before {@link stop} (a crash), with its output's tail. */
  onCrash(listener: (error: Error) => void): void;
  /** The process's CPU time so far (user + system, all its threads), in milliseconds. */
  cpuMs(): Promise<number>;
  /** CPU ms (utime + stime) so far of each of its threads, by thread id, with the thread's name. */
  threadCpu(): Promise<Map<number, ThreadCpu>>;
  memory(): Promise<RuntimeMemory>;
  /** Resets VmHWM to the current RSS (`clear_refs` 5); false where the kernel does not allow it. */
  resetPeak(): Promise<boolean>;
  /** The last lines of its stdout and stderr (for errors). */
  output(): string;
  /** SIGTERM (as Ctrl-C would), SIGKILL after 20 s; removes the data folder. */
  stop(): Promise<void>;
}

const repo = resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Clock ticks per second, the unit of utime/stime in `/proc/<pid>/stat`. */
function clockTicks(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

/**
 * Starts `node --import tsx local/main.ts` with the environment `npm start` gives it
 * (`UV_THREADPOOL_SIZE`, default 6; `MALLOC_ARENA_MAX`, default 2) plus `env`, on a fresh data folder and a free port pair (the
 * API and its S3 endpoint), and resolves once `/healthz` answers. Its logs stay at `info` (the
 * `npm start` default): the bench reads them to see photos become ready.
 */
export async function startBenchRuntime(env: Record<string, string> = {}): Promise<BenchRuntime> {
  const port = await freePortPair();
  const dataDir = await mkdtemp(join(tmpdir(), 'qdn-bench-pipeline-'));
  const fullEnv: Record<string, string> = {
    UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '6',
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    HOST: '127.0.0.1',
    PORT: String(port),
    QDN_DATA_DIR: dataDir,
    QDN_LOG_LEVEL: 'info',
    ...env,
  };
  const args = ['--import', 'tsx', 'local/main.ts'];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: repo,
    env: { ...process.env, ...fullEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('Expected the runtime child to start but it has no pid');
  let tail = '';
  const keep = (text: string) => {
    tail = (tail + text).slice(-20_000);
  };
  const listeners: Array<(line: RuntimeLogLine, at: number) => void> = [];
  if (!child.stdout || !child.stderr) throw new Error('Expected piped stdout and stderr');
  createInterface({ input: child.stdout }).on('line', (text) => {
    const at = performance.now();
    if (!text.startsWith('{')) {
      keep(`${text}\n`);
      return;
    }
    let line: RuntimeLogLine;
    try {
      line = JSON.parse(text) as RuntimeLogLine;
    } catch {
      keep(`${text}\n`);
      return;
    }
    if (line.level !== 'INFO') keep(`${text}\n`);
    for (const listener of listeners) listener(line, at);
  });
  child.stderr.on('data', (d: Buffer) => keep(d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let stopping = false;
  const crashListeners: Array<(error: Error) => void> = [];
  child.once('exit', (code, signal) => {
    if (stopping) return;
    const error = new Error(`runtime exited (${signal ?? code}) during the bench:\n${tail.slice(-4000)}`);
    for (const listener of crashListeners) listener(error);
  });

  const api = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ok = await fetch(`${api}/healthz`)
      .then((res) => res.status === 200)
      .catch(() => false);
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`runtime exited ${child.exitCode}:\n${tail.slice(-4000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`runtime not healthy in 90 s:\n${tail.slice(-4000)}`);
    }
    await sleep(100);
  }

  const ticks = clockTicks();
  const statusField = (status: string, name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!match) throw new Error(`Expected ${name} in /proc/${pid}/status`);
    return Number(match[1]) * 1024;
  };
  const shown = Object.entries(fullEnv)
    .filter(([k]) => k !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED')
    .map(([k, v]) => `${k}=${k === 'QDN_DATA_DIR' ? '<temp>' : v}`)
    .join(' ');
  return {
    api,
    pid,
    dataDir,
    command: `${shown} node ${args.join(' ')}`,
    onLog: (listener) => {
      listeners.push(listener);
    },
    onCrash: (listener) => {
      crashListeners.push(listener);
    },
    threadCpu: async () => {
      const out = new Map<number, ThreadCpu>();
      for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
        // A thread may end between the listing and the read.
        const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => undefined);
        if (!stat) continue;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.set(Number(tid), {
          name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
          cpuMs: ((Number(fields[11]) + Number(fields[12])) / ticks) * 1000,
        });
      }
      return out;
    },
    cpuMs: async () => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // Fields after the parenthesised command name (which may hold spaces): state is field 3,
      // utime 14 and stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) / ticks) * 1000;
    },
    memory: async () => {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      return { rssBytes: statusField(status, 'VmRSS'), hwmBytes: statusField(status, 'VmHWM') };
    },
    resetPeak: () =>
      writeFile(`/proc/${pid}/clear_refs`, '5').then(
        () => true,
        () => false,
      ),
    output: () => tail,
    stop: async () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if ((await Promise.race([exited.then(() => 'ok'), sleep(20_000).then(() => 'late')])) === 'late') {
          child.kill('SIGKILL');
          await exited;
        }
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
