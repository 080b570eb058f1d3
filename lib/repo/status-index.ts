import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tableDefinition } from '../topology/table.ts';
import type { PhotoStatus } from './photo.ts';

const index = tableDefinition.statusIndex;

/** Partition key of the status index for one photo status. */
export const statusPk = (status: PhotoStatus) => `PHOTOSTATUS#${status}`;

/**
 * Sort key of the status index: the grant's expiry first, so the `pending` photos whose upload URL
 * expired before a moment are one key range (`gsi2sk < moment`); the ids make it unique.
 */
export const statusSk = (urlExpiresAt: string, jobId: string, photoId: string) =>
  `${urlExpiresAt}#${jobId}#${photoId}`;

/** A photo as the status index lists it. */
export interface IndexedPhoto {
  jobId: string;
  photoId: string;
}

/** One page of a status listing and the cursor of the next, or null at the end. */
export interface IndexPage {
  photos: IndexedPhoto[];
  next: Record<string, unknown> | null;
}

/**
 * Reads the sparse `byStatus` index: counts per status and walks of one status, each a Query of
 * one partition, never a table scan. The index key moves in the same write as the status, so it
 * can never disagree with the photo (it trails it by GSI propagation, well under a second).
 */
export class PhotoStatusIndex {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** How many photos have `status`; with `expiredBefore`, only those whose grant expired before it. */
  async count(status: PhotoStatus, expiredBefore?: string): Promise<number> {
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          ...this.#query(status, expiredBefore),
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      total += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return total;
  }

  /** One page of the photos with `status` (oldest grant first), from `start`. */
  async page(
    status: PhotoStatus,
    options: { limit: number; start?: Record<string, unknown> | null; expiredBefore?: string },
  ): Promise<IndexPage> {
    const out = await this.db.send(
      new QueryCommand({
        ...this.#query(status, options.expiredBefore),
        Limit: options.limit,
        ...(options.start ? { ExclusiveStartKey: options.start } : {}),
      }),
    );
    const photos = (out.Items ?? []).map((item) => {
      const [, jobId = '', photoId = ''] = String(item[index.sortKey]).split('#');
      return { jobId, photoId };
    });
    return { photos, next: out.LastEvaluatedKey ?? null };
  }

  #query(status: PhotoStatus, expiredBefore?: string) {
    return {
      TableName: this.table,
      IndexName: index.name,
      KeyConditionExpression: expiredBefore ? '#pk = :pk AND #sk < :before' : '#pk = :pk',
      ExpressionAttributeNames: {
        '#pk': index.partitionKey,
        ...(expiredBefore ? { '#sk': index.sortKey } : {}),
      },
      ExpressionAttributeValues: {
        ':pk': statusPk(status),
        ...(expiredBefore ? { ':before': expiredBefore } : {}),
      },
    };
  }
}
