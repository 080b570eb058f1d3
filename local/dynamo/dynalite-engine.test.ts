import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DynamoBackend } from './backend.ts';
import { openDynaliteEngine } from './dynalite-engine.ts';

const S = (s: string) => ({ S: s });
let dir = '';
let engine: DynamoBackend | undefined;
afterEach(async () => {
  await engine?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(): Promise<DynamoBackend> {
  dir = await mkdtemp(join(tmpdir(), 'qdn-engine-'));
  engine = openDynaliteEngine({ path: dir });
  return engine;
}

const table = (keys: string[]) => ({
  TableName: 'eng',
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: keys.map((k) => ({ AttributeName: k, AttributeType: 'S' })),
  KeySchema: keys.map((k, i) => ({ AttributeName: k, KeyType: i ? 'RANGE' : 'HASH' })),
});

async function untilActive(e: DynamoBackend): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const out = await e.call('DescribeTable', { TableName: 'eng' });
    if ((out.body.Table as { TableStatus?: string } | undefined)?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('dynalite in-process', () => {
  it("answers dynalite's own validation and condition errors with their status", async () => {
    const e = await open();
    await e.call('CreateTable', table(['pk']));
    await untilActive(e);
    const bad = await e.call('GetItem', { TableName: 'eng', Key: { other: S('x') } });
    expect(bad.status).toBe(400);
    expect(bad.body.__type).toBe('com.amazon.coral.validate#ValidationException');
    const failed = await e.call('PutItem', {
      TableName: 'eng',
      Item: { pk: S('a') },
      ConditionExpression: 'attribute_exists(pk)',
    });
    expect(failed).toMatchObject({
      status: 400,
      body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException' },
    });
    expect((await e.call('Frobnicate', {})).status).toBe(400);
  });

  it('forgets a cached table description when the table is deleted and made again', async () => {
    // Prepare: a table keyed on pk alone, used (so its description is cached)
    const e = await open();
    await e.call('CreateTable', table(['pk']));
    await untilActive(e);
    expect((await e.call('PutItem', { TableName: 'eng', Item: { pk: S('a') } })).status).toBe(200);
    // Act: the same name with a sort key
    await e.call('DeleteTable', { TableName: 'eng' });
    for (let i = 0; i < 100 && (await e.call('DescribeTable', { TableName: 'eng' })).status === 200; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await e.call('CreateTable', table(['pk', 'sk']));
    await untilActive(e);
    // Assess: the new key schema applies
    expect((await e.call('PutItem', { TableName: 'eng', Item: { pk: S('a') } })).status).toBe(400);
    expect((await e.call('PutItem', { TableName: 'eng', Item: { pk: S('a'), sk: S('b') } })).status).toBe(
      200,
    );
  });
});
