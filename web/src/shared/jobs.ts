import { api } from './api.ts';

/** A job as `GET /jobs` and `GET /jobs/{job_id}` answer it (API.md › Jobs). */
export interface ApiJob {
  job_id: string;
  status: string;
  address: string;
  dumpster_size: string;
  delivery_date: string | null;
  rental_days: number | null;
  pickup_date: string | null;
  site: { lat: number; lon: number } | null;
  created_at: string | null;
  /** Crew and admin only. */
  customer_id?: string;
  crew_ids?: string[];
}

/** Every job the signed-in caller may see (all pages of `GET /jobs`): the API decides which. */
export async function listAllJobs(): Promise<ApiJob[]> {
  const jobs: ApiJob[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '100' });
    if (cursor) query.set('cursor', cursor);
    const page: { jobs: ApiJob[]; next_cursor: string | null } = await api(`/jobs?${query}`);
    jobs.push(...page.jobs);
    cursor = page.next_cursor;
  } while (cursor);
  return jobs;
}

/** One job (403 for not-yours and unknown alike, for anyone but an admin). */
export function getJob(jobId: string): Promise<ApiJob> {
  return api<ApiJob>(`/jobs/${encodeURIComponent(jobId)}`);
}
