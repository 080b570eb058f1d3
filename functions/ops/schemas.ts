import { z } from 'zod';

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
