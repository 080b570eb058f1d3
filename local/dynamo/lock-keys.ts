/** A table's key attribute names (hash first), from DescribeTable; cached by the caller. */
export type KeyNamesOf = (table: string) => Promise<string[] | undefined>;

type Attributes = Record<string, unknown>;

/**
 * The lock key of one item: its table and the values of its key attributes, in key-schema order,
 * so a PutItem's `Item` and an UpdateItem's `Key` name the same item alike. Undefined when the
 * item lacks a key attribute (dynalite then refuses the request, which needs no lock).
 * Numbers are compared as written (`1` and `1.0` would lock apart); this table's keys are strings.
 */
export function itemLockKey(table: string, names: readonly string[], item: Attributes): string | undefined {
  const values = names.map((n) => item[n]);
  if (values.some((v) => v === undefined || v === null || typeof v !== 'object')) return undefined;
  return `${table}\u0000${JSON.stringify(values)}`;
}

/**
 * Every item a write names, as lock keys: PutItem's item, UpdateItem's and DeleteItem's key, all
 * of BatchWriteItem's requests. Items whose key cannot be read (a malformed request, an unknown
 * table) are left out: dynalite refuses those without writing.
 */
export async function writeLockKeys(
  operation: string,
  payload: Attributes,
  keyNamesOf: KeyNamesOf,
): Promise<string[]> {
  const keyed = async (table: unknown, item: unknown): Promise<string[]> => {
    if (typeof table !== 'string' || !item || typeof item !== 'object') return [];
    const names = await keyNamesOf(table);
    const key = names && itemLockKey(table, names, item as Attributes);
    return key ? [key] : [];
  };
  switch (operation) {
    case 'PutItem':
      return keyed(payload.TableName, payload.Item);
    case 'UpdateItem':
    case 'DeleteItem':
      return keyed(payload.TableName, payload.Key);
    case 'BatchWriteItem': {
      const keys: string[] = [];
      const tables = (payload.RequestItems ?? {}) as Record<string, unknown>;
      for (const [table, requests] of Object.entries(tables)) {
        if (!Array.isArray(requests)) continue;
        for (const r of requests as Array<{
          PutRequest?: { Item?: unknown };
          DeleteRequest?: { Key?: unknown };
        }>)
          keys.push(...(await keyed(table, r?.PutRequest?.Item ?? r?.DeleteRequest?.Key)));
      }
      return keys;
    }
    default:
      return [];
  }
}
