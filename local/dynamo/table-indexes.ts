import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../lib/topology/table.ts';

/**
 * The indexes the shared table definition declares that an existing local table lacks. dynalite
 * accepts `UpdateTable` with `GlobalSecondaryIndexUpdates: [{Create}]` but ignores the Create
 * (its updateTable only applies throughput changes), so an index cannot be added to a data folder
 * made before it existed: the runtime stops and says so instead of failing on the first Query.
 */
export async function missingIndexes(client: DynamoDBClient, tableName: string): Promise<string[]> {
  const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const have = new Set((out.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  return createTableInput(tableName)
    .GlobalSecondaryIndexes.map((i) => i.IndexName)
    .filter((name) => !have.has(name));
}

/** The data folder predates an index of the table; `npm start` prints its message alone, one line. */
export class OldDataFolderError extends Error {
  constructor(
    readonly dataDir: string,
    readonly missing: string[],
  ) {
    super(oldDataFolderMessage(dataDir, missing));
    this.name = 'OldDataFolderError';
  }
}

/** The one line the runtime stops with when the data folder predates an index. */
export function oldDataFolderMessage(dataDir: string, missing: string[]): string {
  return `The data folder ${dataDir} was made before the table had the ${missing.join(', ')} index (which cannot be added to it): delete or move that folder (or set QDN_DATA_DIR to a new one) and start again.`;
}
