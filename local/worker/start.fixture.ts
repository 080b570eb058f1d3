import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

// A worker for local/worker/start.test.ts: says it is ready (echoing its data), answers `ping`
// with its OS thread's name (Linux), ends on `die` without being asked to close, and closes on
// `close` like the endpoints' workers.
const port = parentPort;
if (!port) throw new Error('Expected to run in a worker thread');
const { greeting } = workerData as { greeting: string };
port.on('message', (message: { type: string }) => {
  if (message.type === 'ping') {
    const thread =
      process.platform === 'linux' ? readFileSync('/proc/thread-self/comm', 'utf8').trim() : undefined;
    port.postMessage({ type: 'pong', greeting, thread });
  } else if (message.type === 'die') process.exit(7);
  else if (message.type === 'close') {
    port.postMessage({ type: 'closed' });
    port.close();
  }
});
if (greeting === 'fail') port.postMessage({ type: 'failed', message: 'could not start' });
else port.postMessage({ type: 'ready', greeting });
