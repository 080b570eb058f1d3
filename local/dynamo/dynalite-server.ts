import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../lib/topology/table.ts';
import { createRequestVerifier } from '../auth/verify-request.ts';
import { openDynaliteEngine } from './dynalite-engine.ts';
import { startFrontServer } from './front-server.ts';
import { missingIndexes, OldDataFolderError } from './table-indexes.ts';

/** A running dynalite: its endpoint and how to stop it. */
export interface LocalDynamo {
  url: string;
  close(): Promise<void>;
}

/** Where the local DynamoDB listens and keeps its data, and who may call it. */
export interface LocalDynamoOptions {
  host: string;
  dataDir: string;
  tableName: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Starts dynalite in-process, persisted under `${dataDir}/dynamodb`, behind the shared SigV4
 * check (only `credentials` get in), and creates the pipeline's table from the shared definition
 * when it does not exist yet (a second start reuses it).
 */
export async function startDynalite(options: LocalDynamoOptions): Promise<LocalDynamo> {
  const path = join(options.dataDir, 'dynamodb');
  await mkdir(path, { recursive: true });
  // dynalite runs in-process (no HTTP server of its own, no second loopback hop); the one front
  // server checks each signature, adds TransactWriteItems and locks the items a write touches.
  const backend = openDynaliteEngine({ path });
  const front = await startFrontServer({
    host: options.host,
    backend,
    verify: createRequestVerifier({
      service: 'dynamodb',
      region: options.region,
      credentials: [options.credentials],
    }),
  });
  const url = front.url;
  const client = new DynamoDBClient({
    endpoint: url,
    region: options.region,
    credentials: options.credentials,
  });
  const close = async () => {
    await front.close();
    await backend.close();
  };
  let missing: string[] = [];
  try {
    await client.send(new CreateTableCommand(createTableInput(options.tableName)));
    await untilActive(client, options.tableName);
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    missing = await missingIndexes(client, options.tableName);
  } finally {
    client.destroy();
  }
  if (missing.length) {
    await close();
    throw new OldDataFolderError(options.dataDir, missing);
  }
  return { url, close };
}

/** dynalite marks a new table ACTIVE on its next timer tick even with `createTableMs: 0`. */
async function untilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`Expected table ${tableName} to become ACTIVE but it stayed CREATING`);
}
