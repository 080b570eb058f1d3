import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../local/dynamo/dynalite-server.ts';

const credentials = { accessKeyId: 'k', secretAccessKey: 's' };

/**
 * The local DynamoDB (dynalite behind its front server) with the pipeline's table, for one test
 * file: started before its tests, stopped and deleted after them. Read `db()` inside a test.
 */
export function useLocalDynamo(tableName: string): { db: () => DynamoDBDocumentClient } {
  let dir = '';
  let dynamo: LocalDynamo | undefined;
  let db: DynamoDBDocumentClient | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `qdn-${tableName}-`));
    dynamo = await startDynalite({
      host: '127.0.0.1',
      dataDir: dir,
      tableName,
      region: 'us-east-1',
      credentials,
    });
    db = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: dynamo.url, region: 'us-east-1', credentials }),
    );
  });
  afterAll(async () => {
    db?.destroy();
    await dynamo?.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    db: () => {
      if (!db) throw new Error('Expected the local DynamoDB to be started (use db() inside a test)');
      return db;
    },
  };
}
