import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { jobPk, PHOTO_SK_PREFIX, photoSk } from './keys.ts';
import type { Photo } from './photo.ts';
import { statusPk, statusSk } from './status-index.ts';

/** One page of a job's photos, oldest first, and the cursor of the next page. */
export interface PhotoPage {
  photos: Photo[];
  nextCursor: string | null;
}

/** Reads and writes photo items; every state change elsewhere is a conditional write. */
export class PhotoRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Records a photo whose upload URL was just issued; never overwrites an existing photo. */
  async putPending(photo: Photo): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: jobPk(photo.jobId),
          sk: photoSk(photo.photoId),
          type: 'photo',
          ...photo,
          // Listed by status for ops: expired grants are a key range of the `pending` partition.
          gsi2pk: statusPk(photo.status),
          gsi2sk: statusSk(photo.urlExpiresAt, photo.jobId, photo.photoId),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /**
   * Removes a photo recorded by `putPending` whose grant was never handed out (presign found no
   * photo slot left after writing it); a photo that has moved on is kept.
   */
  async deleteUnissued(jobId: string, photoId: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: jobPk(jobId), sk: photoSk(photoId) },
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** One photo, or null. */
  async get(jobId: string, photoId: string): Promise<Photo | null> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: jobPk(jobId), sk: photoSk(photoId) },
        ConsistentRead: true,
      }),
    );
    return (out.Item as Photo | undefined) ?? null;
  }

  /** A page of a job's photos in upload order (photo ids are ULIDs, so the sort key is time). */
  async list(jobId: string, options: { limit: number; after?: string }): Promise<PhotoPage> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :photo)',
        ExpressionAttributeValues: { ':pk': jobPk(jobId), ':photo': PHOTO_SK_PREFIX },
        Limit: options.limit,
        ...(options.after ? { ExclusiveStartKey: { pk: jobPk(jobId), sk: photoSk(options.after) } } : {}),
      }),
    );
    const photos = (out.Items ?? []) as Photo[];
    const last = out.LastEvaluatedKey?.sk as string | undefined;
    return { photos, nextCursor: last ? last.slice(PHOTO_SK_PREFIX.length) : null };
  }
}
