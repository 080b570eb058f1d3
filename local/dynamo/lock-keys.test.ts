import { describe, expect, it } from 'vitest';
import { itemLockKey, writeLockKeys } from './lock-keys.ts';

const names = async (table: string) => (table === 't' ? ['pk', 'sk'] : undefined);
const S = (s: string) => ({ S: s });

describe('lock keys of a write', () => {
  it("names a PutItem's item as an UpdateItem's key names the same item", async () => {
    const put = await writeLockKeys(
      'PutItem',
      { TableName: 't', Item: { sk: S('b'), pk: S('a'), other: S('x') } },
      names,
    );
    const update = await writeLockKeys(
      'UpdateItem',
      { TableName: 't', Key: { pk: S('a'), sk: S('b') } },
      names,
    );
    expect(put).toEqual(update);
    expect(put).toHaveLength(1);
  });

  it('tells apart items of other tables and other keys', () => {
    const key = itemLockKey('t', ['pk', 'sk'], { pk: S('a'), sk: S('b') });
    expect(itemLockKey('u', ['pk', 'sk'], { pk: S('a'), sk: S('b') })).not.toBe(key);
    expect(itemLockKey('t', ['pk', 'sk'], { pk: S('a'), sk: S('c') })).not.toBe(key);
    expect(itemLockKey('t', ['pk', 'sk'], { pk: S('a/b'), sk: S('') })).not.toBe(
      itemLockKey('t', ['pk', 'sk'], { pk: S('a'), sk: S('b/') }),
    );
  });

  it('names every item of a BatchWriteItem and none of a malformed request', async () => {
    const keys = await writeLockKeys(
      'BatchWriteItem',
      {
        RequestItems: {
          t: [
            { PutRequest: { Item: { pk: S('a'), sk: S('1') } } },
            { DeleteRequest: { Key: { pk: S('a'), sk: S('2') } } },
          ],
        },
      },
      names,
    );
    expect(keys).toHaveLength(2);
    expect(await writeLockKeys('PutItem', { TableName: 't', Item: { pk: S('a') } }, names)).toEqual([]);
    expect(
      await writeLockKeys('PutItem', { TableName: 'missing', Item: { pk: S('a'), sk: S('b') } }, names),
    ).toEqual([]);
  });
});
