import { startWorker } from '../worker/start.ts';
import type { LocalDynamo, LocalDynamoOptions } from './dynalite-server.ts';
import { OldDataFolderError } from './table-indexes.ts';
import type { FromDynamoWorker, ToDynamoWorker } from './worker-protocol.ts';

const MAIN = new URL('./worker-main.ts', import.meta.url);

/**
 * Starts the local DynamoDB (`startDynalite`: the front server, dynalite and the table, same
 * options and answer) on its own worker thread of this process. A dynalite call takes many small
 * asynchronous steps (parse, lock, LevelDB reads and writes); on the main thread each one waited
 * behind the functions' work, so in a burst a call took 15–60 ms there, and `/upload-url` waited
 * on four of them (bench/RESULTS.md). A data folder that predates an index still fails the start
 * with OldDataFolderError.
 */
export function startDynaliteInWorker(options: LocalDynamoOptions): Promise<LocalDynamo> {
  const worker = startWorker(MAIN, options);
  const send = (message: ToDynamoWorker) => worker.postMessage(message);
  let closed: (() => void) | undefined;
  return new Promise<LocalDynamo>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('exit', (code) => {
      closed?.();
      reject(new Error(`Expected the DynamoDB worker to start but it exited with code ${code}`));
    });
    worker.on('message', (message: FromDynamoWorker) => {
      switch (message.type) {
        case 'ready':
          worker.off('error', reject);
          resolve({
            url: message.url,
            close: () =>
              new Promise<void>((done) => {
                closed = done;
                send({ type: 'close' });
              }),
          });
          return;
        case 'failed':
          reject(
            message.oldDataFolder
              ? new OldDataFolderError(message.oldDataFolder.dataDir, message.oldDataFolder.missing)
              : new Error(message.message),
          );
          return;
        case 'closed':
          void worker.terminate().then(() => closed?.());
          return;
      }
    });
  });
}
