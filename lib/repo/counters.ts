import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** Key of the one item that holds the kept counters ops reads (never a table scan). */
export const COUNTERS_KEY = { pk: 'STATS', sk: 'COUNTERS' } as const;

/**
 * Counter names: `photos.<status>` (one per photo status) and `bookings.awaiting_zelle`,
 * `bookings.payment_mismatch`. A name is an attribute of the counters item.
 */
export type CounterName = `photos.${string}` | `bookings.${string}`;

/** Deltas to apply at once: `{ 'photos.ready': 1, 'photos.received': -1 }`. */
export type CounterDeltas = Partial<Record<CounterName, number>>;

/**
 * The `Update` part of a `TransactWriteItems` entry that adds `deltas` to the counters: put it in
 * the same transaction as the state change it counts, so the counter moves exactly when the state
 * does (a duplicate whose condition fails moves neither).
 */
export function counterUpdate(table: string, deltas: CounterDeltas) {
  const entries = Object.entries(deltas).filter(([, n]) => n !== 0 && n !== undefined);
  if (entries.length === 0) throw new Error('Expected at least one non-zero counter delta but received none');
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const parts = entries.map(([name, n], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = n as number;
    return `#c${i} :c${i}`;
  });
  return {
    TableName: table,
    Key: { ...COUNTERS_KEY },
    UpdateExpression: `ADD ${parts.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Reads and adjusts the kept counters. */
export class CounterRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Adds `deltas` on their own (for changes that are not part of a transaction). */
  async add(deltas: CounterDeltas): Promise<void> {
    await this.db.send(new UpdateCommand(counterUpdate(this.table, deltas)));
  }

  /** Every counter, by name; a counter never touched is absent (read it as 0). */
  async read(): Promise<Record<string, number>> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { ...COUNTERS_KEY }, ConsistentRead: true }),
    );
    const counters: Record<string, number> = {};
    for (const [name, value] of Object.entries(out.Item ?? {})) {
      if (typeof value === 'number') counters[name] = value;
    }
    return counters;
  }
}
