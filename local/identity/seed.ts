import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { jobItem } from '../../lib/repo/job-item.ts';
import { seedJobs } from './seed-data.ts';

/** Writes the seeded jobs unless they exist (a second start keeps whatever changed since). */
export async function seedJobsTable(dynamo: DynamoDBDocumentClient, tableName: string): Promise<void> {
  for (const job of seedJobs) {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName,
          Item: jobItem({ ...job, createdAt: new Date().toISOString() }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
