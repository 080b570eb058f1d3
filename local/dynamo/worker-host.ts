import { runWorker } from '../worker/start.ts';
import type { LocalDynamo, LocalDynamoOptions } from './dynalite-server.ts';
import { OldDataFolderError } from './table-indexes.ts';
import type { FromDynamoWorker } from './worker-protocol.ts';

const MAIN = new URL('./worker-main.ts', import.meta.url);

/**
 * Starts the local DynamoDB (`startDynalite`: the front server, dynalite and the table, same
 * options and answer) on its own worker thread of this process. A dynalite call takes many small
 * asynchronous steps (parse, lock, LevelDB reads and writes); on the main thread each one waited
 * behind the functions' work, so in a burst a call took 15–60 ms there, and `/upload-url` waited
 * on four of them (bench/RESULTS.md). A data folder that predates an index still fails the start
 * with OldDataFolderError.
 */
export async function startDynaliteInWorker(
  options: LocalDynamoOptions,
  host: { onCrash?(code: number): void } = {},
): Promise<LocalDynamo> {
  const running = await runWorker<FromDynamoWorker>(MAIN, options, {
    name: 'the DynamoDB worker',
    thread: 'qdn-dynamodb',
    onCrash: host.onCrash,
    failure: (message) =>
      message.oldDataFolder
        ? new OldDataFolderError(message.oldDataFolder.dataDir, message.oldDataFolder.missing)
        : new Error(message.message),
  });
  return { url: running.ready.url, close: running.close };
}
