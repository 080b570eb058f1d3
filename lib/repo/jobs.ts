import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Job, jobFromItem } from './job-item.ts';
import { JOB_SK, jobPk } from './keys.ts';
import { TakeBatcher } from './take-batcher.ts';

/** Reads jobs and counts the upload URLs issued for each. */
export class JobRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Concurrent slot takes of one job go out as one write (see TakeBatcher). */
  readonly #slots = new TakeBatcher<number>((jobId, maxes) => this.#addPhotos(jobId, maxes));

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
    return this.#slots.take(jobId, max);
  }

  /** Adds `maxes.length` photos to a job's count if all fit under the smallest ceiling. */
  async #addPhotos(jobId: string, maxes: number[]): Promise<boolean> {
    const n = maxes.length;
    const room = Math.min(...maxes) - n;
    if (room < 0) return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: jobPk(jobId), sk: JOB_SK },
          UpdateExpression: 'ADD photoCount :n',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(photoCount) OR photoCount <= :room)',
          ExpressionAttributeValues: { ':n': n, ':room': room },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
