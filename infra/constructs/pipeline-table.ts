import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { createTableInput, tableDefinition } from '../../lib/topology/table.ts';

interface KeyElement {
  AttributeName: string;
  KeyType: string;
}

/**
 * The table from the same `createTableInput` the local runtime gives dynalite: its key schema and
 * every GSI it lists (a new index there appears here with no edit), on-demand, PITR and TTL.
 */
export class PipelineTable extends Construct {
  /** The one table. */
  readonly table: dynamodb.TableV2;
  /** The index names, for IAM statements that name each index instead of `index/*`. */
  readonly indexNames: string[];

  constructor(scope: Construct, id: string, props: { tableName?: string } = {}) {
    super(scope, id);
    const input = createTableInput(props.tableName ?? 'qdn');
    const types = new Map<string, string>(
      input.AttributeDefinitions.map((a) => [a.AttributeName, a.AttributeType]),
    );
    const attribute = (keys: readonly KeyElement[], keyType: 'HASH' | 'RANGE') => {
      const key = keys.find((k) => k.KeyType === keyType);
      if (!key) return undefined;
      const type = types.get(key.AttributeName);
      if (!type)
        throw new Error(`Expected an AttributeDefinition for key ${key.AttributeName} but found none`);
      return { name: key.AttributeName, type: type as dynamodb.AttributeType };
    };
    const partitionKey = attribute(input.KeySchema, 'HASH');
    if (!partitionKey) throw new Error('Expected a HASH key in createTableInput but found none');
    const gsis = (input.GlobalSecondaryIndexes ?? []) as ReadonlyArray<{
      IndexName: string;
      KeySchema: readonly KeyElement[];
      Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
    }>;
    this.table = new dynamodb.TableV2(this, 'Table', {
      ...(props.tableName ? { tableName: props.tableName } : {}),
      partitionKey,
      sortKey: attribute(input.KeySchema, 'RANGE'),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: gsis.map((g) => {
        const pk = attribute(g.KeySchema, 'HASH');
        if (!pk) throw new Error(`Expected a HASH key on index ${g.IndexName} but found none`);
        return {
          indexName: g.IndexName,
          partitionKey: pk,
          sortKey: attribute(g.KeySchema, 'RANGE'),
          projectionType: g.Projection.ProjectionType as dynamodb.ProjectionType,
          ...(g.Projection.NonKeyAttributes ? { nonKeyAttributes: g.Projection.NonKeyAttributes } : {}),
        };
      }),
    });
    this.indexNames = gsis.map((g) => g.IndexName);
  }
}
