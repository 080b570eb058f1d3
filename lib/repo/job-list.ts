import { BatchGetCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { JOB_ID_PATTERN } from '../keys/photo-keys.ts';
import { tableDefinition } from '../topology/table.ts';
import { type Job, jobFromItem } from './job-item.ts';
import { ALL_JOBS_PK, crewAssignmentSk, crewPk, customerPk, JOB_SK, jobPk } from './keys.ts';

/** Whose jobs to list: every job (admin), a crew member's assignments, a customer's own. */
export type JobScope =
  | { kind: 'all' }
  | { kind: 'crew'; crewId: string }
  | { kind: 'customer'; customerId: string };

/** One page of jobs and the cursor of the next page, or null at the end. */
export interface JobPage {
  jobs: Job[];
  nextCursor: string | null;
}

// A cursor names the last index entry read; the partition is rebuilt from the caller's scope, so
// a cursor made up or taken from another caller can only move within the caller's own partition.
const cursorShape = z.object({
  s: z.string().min(1).max(200),
  j: z.string().regex(JOB_ID_PATTERN),
});

/** A cursor that does not decode to a position in a job listing. */
export class InvalidJobCursorError extends Error {
  constructor() {
    super('The cursor is not one returned by the previous page.');
    this.name = 'InvalidJobCursorError';
  }
}

function encodeCursor(sortValue: string, jobId: string): string {
  return Buffer.from(JSON.stringify({ s: sortValue, j: jobId })).toString('base64url');
}

function decodeCursor(cursor: string): z.infer<typeof cursorShape> {
  try {
    return cursorShape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidJobCursorError();
  }
}

/**
 * Lists jobs without a table scan: all jobs are one partition of the keys-only status index
 * (`JOBS#ALL`, newest first); a crew member's are their assignment items in the customer index
 * (`CREW#{id}`); a customer's are their jobs in the customer index (`CUSTOMER#{id}`).
 */
export class JobListing {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** One page of the jobs in `scope`, from `cursor` (as returned by the previous page). */
  async page(scope: JobScope, options: { limit: number; cursor?: string }): Promise<JobPage> {
    const after = options.cursor ? decodeCursor(options.cursor) : null;
    const q = this.#query(scope, after);
    const out = await this.db.send(new QueryCommand({ TableName: this.table, ...q, Limit: options.limit }));
    const items = out.Items ?? [];
    const jobs =
      scope.kind === 'customer'
        ? items.filter((item) => item.type === 'job').map(jobFromItem)
        : await this.#read(items.map((item) => String(item.pk).slice(jobPk('').length)));
    const last = out.LastEvaluatedKey;
    const sortName = q.IndexName === tableDefinition.statusIndex.name ? 'gsi2sk' : 'gsi1sk';
    return {
      jobs,
      nextCursor: last ? encodeCursor(String(last[sortName]), String(last.pk).slice(jobPk('').length)) : null,
    };
  }

  #query(scope: JobScope, after: z.infer<typeof cursorShape> | null) {
    const { customerIndex, statusIndex } = tableDefinition;
    switch (scope.kind) {
      case 'all':
        return {
          IndexName: statusIndex.name,
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': ALL_JOBS_PK },
          ScanIndexForward: false,
          ...(after
            ? { ExclusiveStartKey: { gsi2pk: ALL_JOBS_PK, gsi2sk: after.s, pk: jobPk(after.j), sk: JOB_SK } }
            : {}),
        };
      case 'crew':
        return {
          IndexName: customerIndex.name,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': crewPk(scope.crewId) },
          ...(after
            ? {
                ExclusiveStartKey: {
                  gsi1pk: crewPk(scope.crewId),
                  gsi1sk: after.s,
                  pk: jobPk(after.j),
                  sk: crewAssignmentSk(scope.crewId),
                },
              }
            : {}),
        };
      case 'customer':
        return {
          IndexName: customerIndex.name,
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :job)',
          ExpressionAttributeValues: { ':pk': customerPk(scope.customerId), ':job': jobPk('') },
          ...(after
            ? {
                ExclusiveStartKey: {
                  gsi1pk: customerPk(scope.customerId),
                  gsi1sk: after.s,
                  pk: jobPk(after.j),
                  sk: JOB_SK,
                },
              }
            : {}),
        };
    }
  }

  /** The job items of `jobIds`, in that order (BatchGet, retrying what DynamoDB left unprocessed). */
  async #read(jobIds: string[]): Promise<Job[]> {
    if (jobIds.length === 0) return [];
    const found = new Map<string, Job>();
    let keys: Record<string, unknown>[] = [...new Set(jobIds)].map((id) => ({ pk: jobPk(id), sk: JOB_SK }));
    for (let attempt = 0; keys.length > 0 && attempt < 5; attempt++) {
      const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys } } }));
      for (const item of out.Responses?.[this.table] ?? []) {
        const job = jobFromItem(item);
        found.set(job.jobId, job);
      }
      keys = (out.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      if (keys.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
    if (keys.length > 0) throw new Error('DynamoDB left job reads unprocessed after 5 attempts.');
    // An assignment whose job is gone is skipped, not an error.
    return jobIds.flatMap((id) => found.get(id) ?? []);
  }
}
