import { describe, expect, it } from 'vitest';
import { runWorker } from './start.ts';

const FIXTURE = new URL('./start.fixture.ts', import.meta.url);

type FromFixture =
  | { type: 'ready'; greeting: string }
  | { type: 'failed'; message: string }
  | { type: 'pong'; greeting: string; thread?: string }
  | { type: 'closed' };

function start(
  greeting: string,
  seen: { crashes: number[]; pongs: string[]; threads?: Array<string | undefined> },
) {
  return runWorker<FromFixture>(
    FIXTURE,
    { greeting },
    {
      name: 'the fixture worker',
      thread: 'qdn-fixture',
      failure: (message) => new Error(message.message),
      onMessage: (message) => {
        if (message.type === 'pong') {
          seen.pongs.push(message.greeting);
          seen.threads?.push(message.thread);
        }
      },
      onCrash: (code) => seen.crashes.push(code),
    },
  );
}

describe('runWorker, the local workers’ start-and-close handshake', () => {
  it('resolves with the ready message, passes on the others, and closes without a crash', async () => {
    const seen = { crashes: [] as number[], pongs: [] as string[] };
    const running = await start('hello', seen);
    expect(running.ready).toEqual({ type: 'ready', greeting: 'hello' });
    running.worker.postMessage({ type: 'ping' });
    await expect.poll(() => seen.pongs).toEqual(['hello']);
    await running.close();
    expect(seen.crashes).toEqual([]);
  });

  it.runIf(process.platform === 'linux')(
    'names the worker’s OS thread, as top -H and the bench see it',
    async () => {
      const seen = {
        crashes: [] as number[],
        pongs: [] as string[],
        threads: [] as Array<string | undefined>,
      };
      const running = await start('hello', seen);
      running.worker.postMessage({ type: 'ping' });
      await expect.poll(() => seen.threads).toEqual(['qdn-fixture']);
      await running.close();
    },
  );

  it('rejects the start with the worker’s own failure', async () => {
    await expect(start('fail', { crashes: [], pongs: [] })).rejects.toThrow('could not start');
  });

  it('reports a worker that ends without being asked to close as a crash, with its exit code', async () => {
    const seen = { crashes: [] as number[], pongs: [] as string[] };
    const running = await start('hello', seen);
    running.worker.postMessage({ type: 'die' });
    await expect.poll(() => seen.crashes).toEqual([7]);
  });
});
