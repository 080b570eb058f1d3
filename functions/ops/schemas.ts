import { z } from 'zod';
import { PROBLEM_STATUSES } from '../../lib/ops/photo-problems.ts';

/** `POST /ops/reconcile` body (optional): where to resume, how much to walk, how old is settled. */
export const reconcileRequest = z
  .object({
    cursor: z.string().min(1).max(4096).optional(),
    limit: z.number().int().min(1).max(10_000).default(1000),
    min_age_s: z.number().int().min(0).max(86_400).default(60),
  })
  .strict();

/** `GET /ops/dlq/{queue}` query. */
export const dlqQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/** `GET /ops/zelle` query. */
export const zelleQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(100),
  cursor: z.string().min(1).max(400).optional(),
});

/** `GET /ops/photos` query: which problem status, and the page. */
export const opsPhotosQuery = z.object({
  status: z.enum(PROBLEM_STATUSES).default('failed'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(400).optional(),
});
