/** Messages from the DynamoDB worker to the thread that started it. */
export type FromDynamoWorker =
  | { type: 'ready'; url: string }
  | { type: 'failed'; message: string; oldDataFolder?: { dataDir: string; missing: string[] } }
  | { type: 'closed' };

/** Messages to the DynamoDB worker. */
export type ToDynamoWorker = { type: 'close' };
