import { z } from 'zod';
import { JOB_ID_PATTERN } from '../../lib/keys/photo-keys.ts';

const jobId = z.string().regex(JOB_ID_PATTERN, 'expected a job id of letters, digits, "-" and "_"');

/** Body of `POST /upload-url` (API.md). */
export const uploadUrlRequest = z.object({
  job_id: jobId,
  filename: z.string().max(1024, 'expected at most 1024 characters'),
  content_type: z.string().min(1).max(100),
  size: z.number().int().min(1, 'expected at least 1 byte').optional(),
  gps: z
    .object({
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
      accuracy_m: z.number().min(0).max(100_000).optional(),
    })
    .optional(),
});

/** The parsed upload request. */
export type UploadUrlRequest = z.infer<typeof uploadUrlRequest>;

/** Query of `GET /list-photos`. */
export const listPhotosQuery = z.object({
  job_id: jobId,
  cursor: z
    .string()
    .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected the cursor returned by the previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

/** Path and query of `GET /photos/{photo_id}/original`. */
export const originalRequest = z.object({
  photo_id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a photo id (a ULID)'),
  job_id: jobId,
});

/** Query of `GET /jobs`. */
export const listJobsQuery = z.object({
  cursor: z.string().min(1).max(400).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/** Path of `GET /jobs/{job_id}`. */
export const getJobRequest = z.object({ job_id: jobId });
