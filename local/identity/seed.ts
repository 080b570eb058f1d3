import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { crewAssignmentItems, jobItem } from '../../lib/repo/job-item.ts';
import { seedJobs } from './seed-data.ts';

/** Writes the seeded jobs unless they exist (a second start keeps whatever changed since). */
export async function seedJobsTable(dynamo: DynamoDBDocumentClient, tableName: string): Promise<void> {
  for (const job of seedJobs) {
    // The job, then its crew assignments (what `GET /jobs` lists for a crew member).
    for (const Item of [
      jobItem({ ...job, createdAt: new Date().toISOString() }),
      ...crewAssignmentItems(job),
    ]) {
      try {
        await dynamo.send(
          new PutCommand({ TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }
}
