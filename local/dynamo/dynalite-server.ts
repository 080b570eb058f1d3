import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createTableInput } from '../../lib/topology/table.ts';
import { createRequestVerifier } from '../auth/verify-request.ts';
import { startFrontServer } from './front-server.ts';
import { missingIndexes, OldDataFolderError } from './table-indexes.ts';

/** A running dynalite: its endpoint and how to stop it. */
export interface LocalDynamo {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite in-process, persisted under `${dataDir}/dynamodb`, behind the shared SigV4
 * check (only `credentials` get in), and creates the pipeline's table from the shared definition
 * when it does not exist yet (a second start reuses it).
 */
export async function startDynalite(options: {
  host: string;
  dataDir: string;
  tableName: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}): Promise<LocalDynamo> {
  const path = join(options.dataDir, 'dynamodb');
  await mkdir(path, { recursive: true });
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const innerUrl = `http://${options.host}:${port}`;
  // dynalite has no TransactWriteItems and only checks that a signature is there: one front
  // server checks the signature, adds transactions and serializes writes (one hop, not two).
  const front = await startFrontServer({
    host: options.host,
    innerUrl,
    verify: createRequestVerifier({
      service: 'dynamodb',
      region: options.region,
      credentials: [options.credentials],
    }),
  });
  const url = front.url;
  const client = new DynamoDBClient({
    endpoint: innerUrl,
    region: options.region,
    credentials: options.credentials,
  });
  const close = async () => {
    await front.close();
    await new Promise<void>((resolve, reject) => server.close((e?: Error) => (e ? reject(e) : resolve())));
  };
  let missing: string[] = [];
  try {
    await client.send(new CreateTableCommand(createTableInput(options.tableName)));
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
