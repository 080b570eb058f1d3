import { type DynamoCall, ERROR_PREFIX } from './backend.ts';
import { itemLockKey, type KeyNamesOf } from './lock-keys.ts';

type Entry = Record<string, unknown> & { TableName: string };
type TransactItem = { Put?: Entry; Update?: Entry; Delete?: Entry; ConditionCheck?: Entry };

/** The answer of a TransactWriteItems call, as DynamoDB gives it. */
export interface TransactResult {
  status: number;
  body: Record<string, unknown>;
}

/** One write of a planned transaction: its kind, its entry and the key of its item. */
interface PlannedOp {
  kind: keyof TransactItem;
  entry: Entry;
  key: Record<string, unknown>;
}

/** A transaction ready to run: its writes and the lock key of every item it touches. */
export interface TransactionPlan {
  ops: PlannedOp[];
  lockKeys: string[];
}

/**
 * Reads a TransactWriteItems request before anything is locked: each write's item key (a Put's
 * from its item, via the table's key schema) and lock key, or the ValidationException DynamoDB
 * answers for too many or too few writes, or two writes to one item.
 */
export async function planTransaction(
  request: { TransactItems?: TransactItem[] },
  keyNamesOf: KeyNamesOf,
): Promise<TransactionPlan | TransactResult> {
  const items = Array.isArray(request.TransactItems) ? request.TransactItems : [];
  if (items.length === 0 || items.length > 100)
    return validation(`Expected 1 to 100 TransactItems but received ${items.length}`);
  const ops: PlannedOp[] = [];
  const lockKeys: string[] = [];
  for (const item of items) {
    const [kind, entry] = (Object.entries(item ?? {})[0] ?? []) as [keyof TransactItem, Entry];
    if (!entry || typeof entry.TableName !== 'string')
      return validation('Expected each TransactItem to name a TableName');
    const names = await keyNamesOf(entry.TableName);
    if (!names) return notFound(entry.TableName);
    const source = (kind === 'Put' ? entry.Item : entry.Key) as Record<string, unknown> | undefined;
    const lockKey = source && itemLockKey(entry.TableName, names, source);
    if (!source || !lockKey) return validation('The provided key element does not match the schema');
    if (lockKeys.includes(lockKey))
      return validation('Transaction request cannot include multiple operations on one item');
    lockKeys.push(lockKey);
    ops.push({ kind, entry, key: Object.fromEntries(names.map((n) => [n, source[n]])) });
  }
  return { ops, lockKeys };
}

/** How `transactWrite` runs: tests hook in after each applied write; `sequential` is the former way. */
export interface TransactOptions {
  /** Runs after write `index` is applied, while every item is still locked (tests). */
  afterWrite?: (index: number) => Promise<void> | void;
  /** Apply the writes one at a time, stopping at the first failure (measured against in the bench). */
  sequential?: boolean;
}

/**
 * TransactWriteItems on top of single-item calls, for dynalite (which lacks it). Run while every
 * item of the plan is locked (`ItemLocks`, so no other write to them can interleave): snapshot
 * every item, apply every write with its own condition, and if any fails put the applied items
 * back and answer `TransactionCanceledException` with per-item `CancellationReasons`, as DynamoDB
 * does. The writes touch distinct locked items, so each condition sees the item as it was before
 * the transaction whatever the order: they are applied at once, and every failed condition is
 * reported (as DynamoDB reports them). A ConditionCheck is a conditional put of the unchanged
 * item (or a conditional delete of an absent one): it writes nothing. Readers that do not take
 * the lock may glimpse a half-applied transaction; the pipeline's writers never do.
 */
export async function transactWrite(
  call: DynamoCall,
  plan: TransactionPlan,
  options: TransactOptions = {},
): Promise<TransactResult> {
  const { ops } = plan;
  // The snapshots are independent reads of locked items: read them at once.
  const snapshots = await Promise.all(
    ops.map((op) => call('GetItem', { TableName: op.entry.TableName, Key: op.key, ConsistentRead: true })),
  );
  const failedRead = snapshots.find((out) => out.status !== 200);
  if (failedRead) return failedRead;
  const before = snapshots.map((out) => out.body.Item as Record<string, unknown> | undefined);
  const write = async (op: PlannedOp, i: number) => {
    const { ReturnValuesOnConditionCheckFailure: _returnOld, ...entry } = op.entry;
    const out = await apply(call, op.kind, entry, op.key, before[i]);
    if (out.status === 200) await options.afterWrite?.(i);
    return out;
  };
  const outcomes: Array<{ status: number; body: Record<string, unknown> } | undefined> = [];
  if (options.sequential) {
    for (const [i, op] of ops.entries()) {
      const out = await write(op, i);
      outcomes.push(out);
      if (out.status !== 200) break;
    }
  } else outcomes.push(...(await Promise.all(ops.map(write))));
  if (outcomes.every((out) => out?.status === 200)) return { status: 200, body: {} };
  await rollback(
    call,
    ops.filter((_, j) => outcomes[j]?.status === 200),
    before.filter((_, j) => outcomes[j]?.status === 200),
  );
  const failed = outcomes.filter((out) => out && out.status !== 200);
  const other = failed.find((out) => out?.body.__type !== `${ERROR_PREFIX}ConditionalCheckFailedException`);
  if (other) return other;
  const reasons = ops.map((op, j) =>
    outcomes[j] && outcomes[j].status !== 200
      ? {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          ...(op.entry.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && before[j]
            ? { Item: before[j] }
            : {}),
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

function notFound(table: string): TransactResult {
  return {
    status: 400,
    body: {
      __type: `${ERROR_PREFIX}ResourceNotFoundException`,
      message: `Requested resource not found: Table: ${table} not found`,
    },
  };
}
