/** A low-level DynamoDB JSON call to dynalite: operation name and payload → status and body. */
export type DynamoCall = (
  operation: string,
  payload: Record<string, unknown>,
) => Promise<{ status: number; body: Record<string, unknown> }>;

type Entry = Record<string, unknown> & { TableName: string };
type TransactItem = { Put?: Entry; Update?: Entry; Delete?: Entry; ConditionCheck?: Entry };

const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/** The answer of a TransactWriteItems call, as DynamoDB gives it. */
export interface TransactResult {
  status: number;
  body: Record<string, unknown>;
}

/**
 * TransactWriteItems on top of single-item calls, for dynalite (which lacks it). Run under the
 * write lock: snapshot every item, apply each write with its own condition, and on the first
 * failed condition put the earlier items back and answer `TransactionCanceledException` with
 * per-item `CancellationReasons`, as DynamoDB does. A ConditionCheck is a conditional put of the
 * unchanged item (or a conditional delete of an absent one): it writes nothing. Readers that do
 * not take the lock may glimpse a half-applied transaction; the pipeline's writers never do.
 */
export async function transactWrite(
  call: DynamoCall,
  request: { TransactItems?: TransactItem[] },
  keyOf: (table: string, item: Record<string, unknown>) => Promise<Record<string, unknown>>,
): Promise<TransactResult> {
  const items = request.TransactItems ?? [];
  if (items.length === 0 || items.length > 100)
    return validation(`Expected 1 to 100 TransactItems but received ${items.length}`);
  const ops = [];
  const seen = new Set<string>();
  for (const item of items) {
    const [kind, entry] = Object.entries(item)[0] as [keyof TransactItem, Entry];
    const key =
      kind === 'Put'
        ? await keyOf(entry.TableName, entry.Item as Record<string, unknown>)
        : (entry.Key as Record<string, unknown>);
    const id = `${entry.TableName}|${JSON.stringify(key)}`;
    if (seen.has(id)) return validation('Transaction request cannot include multiple operations on one item');
    seen.add(id);
    ops.push({ kind, entry, key });
  }
  const before: Array<Record<string, unknown> | undefined> = [];
  for (const op of ops) {
    const out = await call('GetItem', { TableName: op.entry.TableName, Key: op.key, ConsistentRead: true });
    if (out.status !== 200) return out;
    before.push(out.body.Item as Record<string, unknown> | undefined);
  }
  for (const [i, op] of ops.entries()) {
    const { ReturnValuesOnConditionCheckFailure: returnOld, ...entry } = op.entry;
    const out = await apply(call, op.kind, entry, op.key, before[i]);
    if (out.status === 200) continue;
    await rollback(call, ops.slice(0, i), before);
    if (out.body.__type !== `${ERROR_PREFIX}ConditionalCheckFailedException`) return out;
    const reasons = ops.map((_, j) =>
      j === i
        ? {
            Code: 'ConditionalCheckFailed',
            Message: 'The conditional request failed',
            ...(returnOld === 'ALL_OLD' && before[i] ? { Item: before[i] } : {}),
          }
        : { Code: 'None' },
    );
    return {
      status: 400,
      body: {
        __type: `${ERROR_PREFIX}TransactionCanceledException`,
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        CancellationReasons: reasons,
      },
    };
  }
  return { status: 200, body: {} };
}

function apply(
  call: DynamoCall,
  kind: keyof TransactItem,
  entry: Record<string, unknown>,
  key: Record<string, unknown>,
  old: Record<string, unknown> | undefined,
) {
  switch (kind) {
    case 'Put':
      return call('PutItem', entry);
    case 'Update':
      return call('UpdateItem', entry);
    case 'Delete':
      return call('DeleteItem', entry);
    default: {
      const { Key: _key, ...condition } = entry;
      return old
        ? call('PutItem', { ...condition, Item: old })
        : call('DeleteItem', { ...condition, Key: key });
    }
  }
}

async function rollback(
  call: DynamoCall,
  applied: Array<{ entry: Entry; key: Record<string, unknown> }>,
  before: Array<Record<string, unknown> | undefined>,
): Promise<void> {
  for (let j = applied.length - 1; j >= 0; j--) {
    const { entry, key } = applied[j] as { entry: Entry; key: Record<string, unknown> };
    const old = before[j];
    await (old
      ? call('PutItem', { TableName: entry.TableName, Item: old })
      : call('DeleteItem', { TableName: entry.TableName, Key: key }));
  }
}

function validation(message: string): TransactResult {
  return { status: 400, body: { __type: `${ERROR_PREFIX}ValidationException`, message } };
}
