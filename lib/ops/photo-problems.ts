import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { jobPk, photoSk } from '../repo/keys.ts';
import type { Photo } from '../repo/photo.ts';
import type { PhotoStatusIndex } from '../repo/status-index.ts';
import { InvalidListCursorError } from './errors.ts';

/** The statuses ops lists across jobs: photos that will not become ready on their own. */
export const PROBLEM_STATUSES = ['failed', 'rejected'] as const;

/** One of {@link PROBLEM_STATUSES}. */
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

/** A failed or refused photo as `GET /ops/photos` lists it. */
export interface ProblemPhoto {
  photo_id: string;
  job_id: string;
  status: string;
  reason: string | null;
  reason_code: string | null;
  filename: string | null;
  uploaded_at: string | null;
  decided_at: string | null;
  uploader: string | null;
}

const SORT_VALUE = /^[^#]{1,40}#[A-Za-z0-9_-]{1,64}#[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * A page of the photos with one problem status across all jobs: a Query of one partition of the
 * keys-only `byStatus` index, then one BatchGet for the items (never a table scan). The cursor
 * is the index sort value of the last entry; the partition comes from the status asked for.
 */
export async function listProblemPhotos(
  deps: { db: DynamoDBDocumentClient; table: string; index: PhotoStatusIndex },
  status: ProblemStatus,
  options: { limit: number; cursor?: string },
): Promise<{ status: ProblemStatus; photos: ProblemPhoto[]; next_cursor: string | null }> {
  const start = options.cursor ? startKey(status, options.cursor) : null;
  const page = await deps.index.page(status, { limit: options.limit, start });
  const items = await readPhotos(deps, page.photos);
  const photos = page.photos.flatMap(({ jobId, photoId }) => {
    const p = items.get(`${jobId}/${photoId}`);
    // The index trails the item by GSI propagation: one that moved on since is left out.
    if (!p || p.status !== status) return [];
    return [toProblem(p as Photo & { decidedAt?: string })];
  });
  const next = page.next ? Buffer.from(String(page.next.gsi2sk)).toString('base64url') : null;
  return { status, photos, next_cursor: next };
}

function startKey(status: ProblemStatus, cursor: string): Record<string, unknown> {
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!SORT_VALUE.test(value)) throw new InvalidListCursorError();
  const [, jobId = '', photoId = ''] = value.split('#');
  return { gsi2pk: `PHOTOSTATUS#${status}`, gsi2sk: value, pk: jobPk(jobId), sk: photoSk(photoId) };
}

async function readPhotos(
  deps: { db: DynamoDBDocumentClient; table: string },
  refs: Array<{ jobId: string; photoId: string }>,
): Promise<Map<string, Photo>> {
  const found = new Map<string, Photo>();
  let keys: Record<string, unknown>[] = refs.map((r) => ({ pk: jobPk(r.jobId), sk: photoSk(r.photoId) }));
  for (let attempt = 0; keys.length > 0 && attempt < 5; attempt++) {
    const out = await deps.db.send(new BatchGetCommand({ RequestItems: { [deps.table]: { Keys: keys } } }));
    for (const item of (out.Responses?.[deps.table] ?? []) as Photo[]) {
      found.set(`${item.jobId}/${item.photoId}`, item);
    }
    keys = (out.UnprocessedKeys?.[deps.table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    if (keys.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
  }
  if (keys.length > 0) throw new Error('DynamoDB left photo reads unprocessed after 5 attempts.');
  return found;
}

function toProblem(p: Photo & { decidedAt?: string }): ProblemPhoto {
  return {
    photo_id: p.photoId,
    job_id: p.jobId,
    status: p.status,
    reason: p.reason ?? null,
    reason_code: p.reasonCode ?? null,
    filename: p.originalName || null,
    uploaded_at: p.receivedAt ?? null,
    decided_at: p.decidedAt ?? null,
    uploader: p.uploader?.sub ?? null,
  };
}
