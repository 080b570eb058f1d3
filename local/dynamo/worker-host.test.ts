import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalDynamo } from './dynalite-server.ts';
import { startDynaliteInWorker } from './worker-host.ts';

const credentials = { accessKeyId: 'worker-test', secretAccessKey: 'worker-test-secret' };
const TABLE = 'qdn-worker-test';
let dir: string;
let dynamo: LocalDynamo;

const start = () =>
  startDynaliteInWorker({
    host: '127.0.0.1',
    dataDir: dir,
    tableName: TABLE,
    region: 'us-east-1',
    credentials,
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qdn-dynamo-worker-'));
  dynamo = await start();
}, 30_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const client = (creds = credentials) =>
  new DynamoDBClient({ endpoint: dynamo.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });

describe('the local DynamoDB on a worker thread', () => {
  it('creates the table, answers signed calls and refuses a wrong key', async () => {
    const db = client();
    try {
      const Item = { pk: { S: 'JOB#j1' }, sk: { S: 'PHOTO#p1' }, status: { S: 'pending' } };
      await db.send(new PutItemCommand({ TableName: TABLE, Item }));
      const got = await db.send(new GetItemCommand({ TableName: TABLE, Key: { pk: Item.pk, sk: Item.sk } }));
      expect(got.Item?.status).toEqual({ S: 'pending' });
      // The front server's writes still lock and condition on the worker: a second create fails.
      await expect(
        db.send(
          new PutItemCommand({ TableName: TABLE, Item, ConditionExpression: 'attribute_not_exists(pk)' }),
        ),
      ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    } finally {
      db.destroy();
    }
    const stranger = client({ accessKeyId: 'worker-test', secretAccessKey: 'not-the-secret' });
    try {
      await expect(
        stranger.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'x' }, sk: { S: 'y' } } })),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    } finally {
      stranger.destroy();
    }
  });

  it('closes: the port stops answering and the data stays for the next start', async () => {
    const url = dynamo.url;
    await dynamo.close();
    await expect(fetch(url)).rejects.toThrow();
    dynamo = await start();
    const db = client();
    try {
      const got = await db.send(
        new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'JOB#j1' }, sk: { S: 'PHOTO#p1' } } }),
      );
      expect(got.Item?.status).toEqual({ S: 'pending' });
    } finally {
      db.destroy();
      await dynamo.close();
    }
  });
});
