import { parentPort } from 'node:worker_threads';
import { workerOptions } from '../worker/start.ts';
import { type LocalDynamo, type LocalDynamoOptions, startDynalite } from './dynalite-server.ts';
import { OldDataFolderError } from './table-indexes.ts';
import type { FromDynamoWorker, ToDynamoWorker } from './worker-protocol.ts';

// Runs the local DynamoDB (front server and dynalite) on this worker thread (see worker-host.ts):
// dynalite's many small steps a call no longer queue behind the functions' work on the main loop.
const port = parentPort;
if (!port) throw new Error('Expected to run in a worker thread (local/dynamo/worker-host.ts)');
const options = workerOptions<LocalDynamoOptions>();
const post = (message: FromDynamoWorker) => port.postMessage(message);

let dynamo: LocalDynamo | undefined;
port.on('message', (message: ToDynamoWorker) => {
  if (message.type === 'close') {
    void (dynamo?.close() ?? Promise.resolve()).finally(() => {
      post({ type: 'closed' });
      port.close();
    });
  }
});

try {
  dynamo = await startDynalite(options);
  post({ type: 'ready', url: dynamo.url });
} catch (error) {
  post(
    error instanceof OldDataFolderError
      ? {
          type: 'failed',
          message: error.message,
          oldDataFolder: { dataDir: error.dataDir, missing: error.missing },
        }
      : { type: 'failed', message: error instanceof Error ? error.message : String(error) },
  );
  port.close();
}
