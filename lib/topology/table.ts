/**
 * The single DynamoDB table, defined once: the local runtime creates it in dynalite from this
 * definition and the CDK stack builds the same keys, index and TTL attribute.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Lists a customer's jobs: gsi1pk = `CUSTOMER#{id}`, gsi1sk = `JOB#{jobId}`. */
  customerIndex: { name: 'byCustomer', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /**
   * Photos by status, for ops counts and reconcile without a table scan: gsi2pk =
   * `PHOTOSTATUS#{status}`, gsi2sk = `{urlExpiresAt}#{jobId}#{photoId}` (so expired `pending`
   * grants are one key range). Keys only: readers get the rest from the photo item.
   */
  statusIndex: { name: 'byStatus', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ttlAttribute: 'expiresAt',
} as const;

/** The CreateTable input for a table named `tableName` (on-demand billing). */
export function createTableInput(tableName: string) {
  const t = tableDefinition;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: t.partitionKey, AttributeType: 'S' as const },
      { AttributeName: t.sortKey, AttributeType: 'S' as const },
      { AttributeName: t.customerIndex.partitionKey, AttributeType: 'S' as const },
      { AttributeName: t.customerIndex.sortKey, AttributeType: 'S' as const },
      { AttributeName: t.statusIndex.partitionKey, AttributeType: 'S' as const },
      { AttributeName: t.statusIndex.sortKey, AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: t.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: t.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: t.customerIndex.name,
        KeySchema: [
          { AttributeName: t.customerIndex.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: t.customerIndex.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      },
      {
        IndexName: t.statusIndex.name,
        KeySchema: [
          { AttributeName: t.statusIndex.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: t.statusIndex.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' as const },
      },
    ],
  };
}
