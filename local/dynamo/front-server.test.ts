import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTableInput } from '../../lib/topology/table.ts';
import { createRequestVerifier } from '../auth/verify-request.ts';
import type { DynamoBackend } from './backend.ts';
import { openDynaliteEngine } from './dynalite-engine.ts';
import { type FrontServerHooks, startFrontServer } from './front-server.ts';

const TABLE = 'front';
const credentials = { accessKeyId: 'k', secretAccessKey: 's' };
/** The hooks the server calls; each test sets the ones it needs. */
const hooks: FrontServerHooks = {};
let dir = '';
let engine: DynamoBackend;
let front: Awaited<ReturnType<typeof startFrontServer>>;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qdn-front-'));
  engine = openDynaliteEngine({ path: dir });
  front = await startFrontServer({
    host: '127.0.0.1',
    backend: engine,
    verify: createRequestVerifier({ service: 'dynamodb', region: 'us-east-1', credentials: [credentials] }),
    hooks: {
      queued: (op, keys) => hooks.queued?.(op, keys),
      held: (op, keys, step) => hooks.held?.(op, keys, step),
    },
  });
  const client = new DynamoDBClient({ endpoint: front.url, region: 'us-east-1', credentials });
  await client.send(new CreateTableCommand(createTableInput(TABLE)));
  await new Promise((resolve) => setTimeout(resolve, 20)); // dynalite: CREATING → ACTIVE on a timer
  db = DynamoDBDocumentClient.from(client);
});
afterAll(async () => {
  db?.destroy();
  await front?.close();
  await engine?.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  hooks.queued = undefined;
  hooks.held = undefined;
});

/** A promise the test opens by hand. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const get = async (pk: string) =>
  (await db.send(new GetCommand({ TableName: TABLE, Key: { pk, sk: pk }, ConsistentRead: true }))).Item;
const put = (item: Record<string, unknown>) => db.send(new PutCommand({ TableName: TABLE, Item: item }));

describe('the front server locks the items a write touches', () => {
  it('completes a write to item B while a transaction on item A is still held', async () => {
    // Prepare
    const entered = gate();
    const release = gate();
    hooks.held = (op, _keys, step) => {
      if (op !== 'TransactWriteItems' || step !== 0) return;
      entered.open();
      return release.opened;
    };
    let txDone = false;
    const tx = db
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: { pk: 'A1', sk: 'A1', v: 'tx' } } },
            { Put: { TableName: TABLE, Item: { pk: 'A2', sk: 'A2', v: 'tx' } } },
          ],
        }),
      )
      .then(() => {
        txDone = true;
      });
    await entered.opened;
    // Act
    await put({ pk: 'B1', sk: 'B1', v: 'plain' });
    await db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'B1', sk: 'B1' },
        UpdateExpression: 'SET w = :w',
        ExpressionAttributeValues: { ':w': 1 },
      }),
    );
    // Assess
    expect(txDone).toBe(false);
    expect(await get('B1')).toEqual({ pk: 'B1', sk: 'B1', v: 'plain', w: 1 });
    release.open();
    await tx;
    expect(await get('A1')).toMatchObject({ v: 'tx' });
  });

  it('runs an UpdateItem on an item after a transaction holding it, even one that rolls back', async () => {
    // Prepare: the transaction writes A, then fails on B and puts A back
    await put({ pk: 'C1', sk: 'C1', n: 1 });
    await put({ pk: 'C2', sk: 'C2', n: 1 });
    const log: string[] = [];
    const afterFirstWrite = gate();
    const release = gate();
    const updateQueued = gate();
    hooks.held = (op, _keys, step) => {
      log.push(`${op}:${step}`);
      if (op === 'TransactWriteItems' && step === 1) {
        afterFirstWrite.open();
        return release.opened;
      }
    };
    hooks.queued = (op) => {
      if (op === 'UpdateItem') updateQueued.open();
    };
    const tx = db
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: TABLE,
                Key: { pk: 'C1', sk: 'C1' },
                UpdateExpression: 'SET n = n + :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
            {
              Put: {
                TableName: TABLE,
                Item: { pk: 'C2', sk: 'C2', n: 9 },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      )
      .catch((e) => e);
    await afterFirstWrite.opened;
    // Act: an UpdateItem on C1 arrives while the transaction has written C1 and not yet rolled back
    const update = db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'C1', sk: 'C1' },
        UpdateExpression: 'SET m = :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    await updateQueued.opened;
    release.open();
    const [error] = await Promise.all([tx, update]);
    // Assess: the update ran after the rollback, so it is kept; the transaction left no trace
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(log).toEqual(['TransactWriteItems:0', 'TransactWriteItems:1', 'UpdateItem:0']);
    expect(await get('C1')).toEqual({ pk: 'C1', sk: 'C1', n: 1, m: 1 });
    expect(await get('C2')).toEqual({ pk: 'C2', sk: 'C2', n: 1 });
  });

  it('makes a BatchWriteItem on an item wait for the transaction holding it', async () => {
    const entered = gate();
    const release = gate();
    const batchQueued = gate();
    hooks.held = (op, _keys, step) => {
      if (op !== 'TransactWriteItems' || step !== 0) return;
      entered.open();
      return release.opened;
    };
    hooks.queued = (op) => {
      if (op === 'BatchWriteItem') batchQueued.open();
    };
    const tx = db.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: TABLE, Item: { pk: 'D1', sk: 'D1', v: 'tx' } } }],
      }),
    );
    await entered.opened;
    const batch = db.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: [
            { PutRequest: { Item: { pk: 'D1', sk: 'D1', v: 'batch' } } },
            { PutRequest: { Item: { pk: 'D2', sk: 'D2', v: 'batch' } } },
          ],
        },
      }),
    );
    await batchQueued.opened;
    release.open();
    await Promise.all([tx, batch]);
    expect(await get('D1')).toMatchObject({ v: 'batch' });
  });

  it('runs transactions over the same items in opposite orders without deadlock or lost updates', async () => {
    await put({ pk: 'E1', sk: 'E1', n: 0 });
    await put({ pk: 'E2', sk: 'E2', n: 0 });
    const bump = (pk: string) => ({
      Update: {
        TableName: TABLE,
        Key: { pk, sk: pk },
        UpdateExpression: 'SET n = n + :one',
        ExpressionAttributeValues: { ':one': 1 },
      },
    });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.send(
          new TransactWriteCommand({
            TransactItems: i % 2 ? [bump('E1'), bump('E2')] : [bump('E2'), bump('E1')],
          }),
        ),
      ),
    );
    expect(await get('E1')).toMatchObject({ n: 20 });
    expect(await get('E2')).toMatchObject({ n: 20 });
  });
});
