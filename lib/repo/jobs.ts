import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Job, jobFromItem } from './job-item.ts';
import { JOB_SK, jobPk } from './keys.ts';

/** Reads jobs and counts the upload URLs issued for each. */
export class JobRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** One job, or null. */
  async get(jobId: string): Promise<Job | null> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: jobPk(jobId), sk: JOB_SK } }),
    );
    return out.Item ? jobFromItem(out.Item) : null;
  }

  /**
   * Takes one photo slot of a job: an atomic counter with a ceiling, so a job cannot be flooded
   * even by concurrent callers. Returns false when the job already has `max` photos.
   */
  async takePhotoSlot(jobId: string, max: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: jobPk(jobId), sk: JOB_SK },
          UpdateExpression: 'ADD photoCount :one',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(photoCount) OR photoCount < :max)',
          ExpressionAttributeValues: { ':one': 1, ':max': max },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
