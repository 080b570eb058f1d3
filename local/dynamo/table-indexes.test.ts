import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterEach, describe, expect, it } from 'vitest';
import { createTableInput } from '../../lib/topology/table.ts';
import { startDynalite } from './dynalite-server.ts';
import { missingIndexes, OldDataFolderError } from './table-indexes.ts';
import { startDynaliteInWorker } from './worker-host.ts';

const credentials = { accessKeyId: 'k', secretAccessKey: 's' };
let dir: string;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A data folder as it was before the `byStatus` index: the table without it. */
async function oldDataFolder(): Promise<{ client: DynamoDBClient; stop: () => Promise<void> }> {
  dir = await mkdtemp(join(tmpdir(), 'qdn-old-'));
  const path = join(dir, 'dynamodb');
  await mkdir(path, { recursive: true });
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials,
  });
  const input = createTableInput('old');
  await client.send(
    new CreateTableCommand({
      ...input,
      AttributeDefinitions: input.AttributeDefinitions.filter((a) => !a.AttributeName.startsWith('gsi2')),
      GlobalSecondaryIndexes: input.GlobalSecondaryIndexes.filter((i) => i.IndexName !== 'byStatus'),
    }),
  );
  return {
    client,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a data folder made before an index existed', () => {
  it('cannot get the index from dynalite: UpdateTable accepts a Create and builds nothing', async () => {
    const old = await oldDataFolder();
    const status = createTableInput('old').GlobalSecondaryIndexes.find((i) => i.IndexName === 'byStatus');
    await old.client
      .send(
        new UpdateTableCommand({
          TableName: 'old',
          AttributeDefinitions: createTableInput('old').AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: status }],
        }),
      )
      .catch(() => undefined);
    expect(await missingIndexes(old.client, 'old')).toEqual(['byStatus']);
    await old.stop();
  });

  it('stops start-up with one plain line saying to delete or move the folder', async () => {
    const old = await oldDataFolder();
    await old.stop();
    await expect(
      startDynalite({ host: '127.0.0.1', dataDir: dir, tableName: 'old', region: 'us-east-1', credentials }),
    ).rejects.toThrow(
      /^The data folder .* was made before the table had the byStatus index .*delete or move that folder/,
    );
  });

  it('stops start-up the same way when the table runs on its worker thread (as npm start runs it)', async () => {
    const old = await oldDataFolder();
    await old.stop();
    const started = startDynaliteInWorker({
      host: '127.0.0.1',
      dataDir: dir,
      tableName: 'old',
      region: 'us-east-1',
      credentials,
    });
    // The same class, so describeStartFailure prints its one line and nothing else.
    await expect(started).rejects.toBeInstanceOf(OldDataFolderError);
    await expect(started).rejects.toMatchObject({ dataDir: dir, missing: ['byStatus'] });
  });
});
