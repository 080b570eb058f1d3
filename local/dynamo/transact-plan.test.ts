import { describe, expect, it } from 'vitest';
import { planTransaction } from './transact-write.ts';

const names = async (table: string) => (table === 't' ? ['pk', 'sk'] : undefined);
const S = (s: string) => ({ S: s });
const typeOf = (out: unknown) => (out as { body?: { __type?: string } }).body?.__type;

describe('planning a TransactWriteItems request', () => {
  it("locks each item once, a Put's by its item's key", async () => {
    const plan = await planTransaction(
      {
        TransactItems: [
          { Put: { TableName: 't', Item: { pk: S('a'), sk: S('1'), n: { N: '1' } } } },
          { ConditionCheck: { TableName: 't', Key: { pk: S('a'), sk: S('2') }, ConditionExpression: 'x' } },
        ],
      },
      names,
    );
    expect('ops' in plan && plan.lockKeys).toHaveLength(2);
    expect('ops' in plan && plan.ops[0]?.key).toEqual({ pk: S('a'), sk: S('1') });
  });

  it('refuses two writes to one item, a write without its key, an unknown table and an empty list', async () => {
    const twice = await planTransaction(
      {
        TransactItems: [
          { Put: { TableName: 't', Item: { pk: S('a'), sk: S('1') } } },
          { Delete: { TableName: 't', Key: { sk: S('1'), pk: S('a') } } },
        ],
      },
      names,
    );
    expect(twice).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/multiple operations on one item/) },
    });
    const keyless = await planTransaction(
      { TransactItems: [{ Put: { TableName: 't', Item: { pk: S('a') } } }] },
      names,
    );
    expect(typeOf(keyless)).toMatch(/ValidationException$/);
    const unknown = await planTransaction({ TransactItems: [{ Put: { TableName: 'u', Item: {} } }] }, names);
    expect(typeOf(unknown)).toMatch(/ResourceNotFoundException$/);
    expect(typeOf(await planTransaction({ TransactItems: [] }, names))).toMatch(/ValidationException$/);
  });
});
