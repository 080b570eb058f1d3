import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { counterUpdate } from '../../lib/repo/counters.ts';
import { useLocalDynamo } from '../../test/helpers/local-dynamo.ts';

const local = useLocalDynamo('ttt');

const get = async (pk: string, sk: string) =>
  (await local.db().send(new GetCommand({ TableName: 'ttt', Key: { pk, sk }, ConsistentRead: true }))).Item;

describe('TransactWriteItems on the local DynamoDB', () => {
  it('applies every write or none, with cancellation reasons per item', async () => {
    // Prepare
    await local.db().send(new PutCommand({ TableName: 'ttt', Item: { pk: 'A', sk: 'A', n: 1 } }));
    await local.db().send(new PutCommand({ TableName: 'ttt', Item: { pk: 'B', sk: 'B', n: 1 } }));
    // Act
    const error = await local
      .db()
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: 'ttt',
                Key: { pk: 'A', sk: 'A' },
                UpdateExpression: 'SET n = :two',
                ExpressionAttributeValues: { ':two': 2 },
              },
            },
            { Put: { TableName: 'ttt', Item: { pk: 'C', sk: 'C' } } },
            {
              Put: {
                TableName: 'ttt',
                Item: { pk: 'B', sk: 'B', n: 9 },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      )
      .catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual([
      'None',
      'None',
      'ConditionalCheckFailed',
    ]);
    expect(await get('A', 'A')).toMatchObject({ n: 1 });
    expect(await get('C', 'C')).toBeUndefined();
    expect(await get('B', 'B')).toMatchObject({ n: 1 });
  });

  it('lets one of many concurrent transactions on the same mark win, and counts once', async () => {
    const attempt = () =>
      local
        .db()
        .send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: 'ttt',
                  Item: { pk: 'EVENT#e1', sk: 'EVENT' },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Update: counterUpdate('ttt', { 'bookings.payment_mismatch': 1 }) },
            ],
          }),
        )
        .then(
          () => 'won',
          (e) => (e instanceof TransactionCanceledException ? 'lost' : Promise.reject(e)),
        );
    const outcomes = await Promise.all(Array.from({ length: 6 }, attempt));
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
    expect((await get('STATS', 'COUNTERS'))?.['bookings.payment_mismatch']).toBe(1);
  });

  it('checks a ConditionCheck without writing', async () => {
    const ok = await local.db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: 'ttt',
              Key: { pk: 'A', sk: 'A' },
              ConditionExpression: 'n = :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          { Put: { TableName: 'ttt', Item: { pk: 'D', sk: 'D' } } },
        ],
      }),
    );
    expect(ok).toBeDefined();
    expect(await get('A', 'A')).toEqual({ pk: 'A', sk: 'A', n: 1 });
    expect(await get('D', 'D')).toBeDefined();
  });
});

describe('TransactWriteItems with several failed conditions', () => {
  it('reports every failed condition, with the old item when asked, and writes nothing', async () => {
    // Prepare
    await local.db().send(new PutCommand({ TableName: 'ttt', Item: { pk: 'F1', sk: 'F1', n: 1 } }));
    await local.db().send(new PutCommand({ TableName: 'ttt', Item: { pk: 'F2', sk: 'F2', n: 1 } }));
    // Act
    const error = await local
      .db()
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: 'ttt',
                Item: { pk: 'F1', sk: 'F1', n: 2 },
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            { Put: { TableName: 'ttt', Item: { pk: 'F3', sk: 'F3' } } },
            {
              Update: {
                TableName: 'ttt',
                Key: { pk: 'F2', sk: 'F2' },
                UpdateExpression: 'SET n = :nine',
                ConditionExpression: 'n = :zero',
                ExpressionAttributeValues: { ':nine': 9, ':zero': 0 },
              },
            },
          ],
        }),
      )
      .catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual([
      'ConditionalCheckFailed',
      'None',
      'ConditionalCheckFailed',
    ]);
    expect(error.CancellationReasons[0].Item).toMatchObject({ pk: { S: 'F1' }, n: { N: '1' } });
    expect(await get('F1', 'F1')).toEqual({ pk: 'F1', sk: 'F1', n: 1 });
    expect(await get('F2', 'F2')).toEqual({ pk: 'F2', sk: 'F2', n: 1 });
    expect(await get('F3', 'F3')).toBeUndefined();
  });
});
