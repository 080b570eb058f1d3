import { ALL_JOBS_PK, crewAssignmentSk, crewPk, customerPk, JOB_SK, jobPk } from './keys.ts';

/** A job as the pipeline needs it: who owns it, who works on it, where it is. */
export interface Job {
  jobId: string;
  customerId: string;
  crewIds: string[];
  address: string;
  site: { lat: number; lon: number } | null;
  dumpsterSize: string;
  status: string;
  createdAt: string;
  /** Booked jobs: the quote it came from; its photos (under `quote-{quoteId}`) are the job's too. */
  quoteId?: string;
  /** Booked jobs: delivery date (YYYY-MM-DD), rental days, and where the site position came from. */
  deliveryDate?: string;
  rentalDays?: number;
  siteSource?: { source: 'exif' | 'device'; photoId: string } | null;
}

/** The table item of a job (keys and the customer index filled in). */
export function jobItem(job: Job): Record<string, unknown> {
  return {
    pk: jobPk(job.jobId),
    sk: JOB_SK,
    type: 'job',
    gsi1pk: customerPk(job.customerId),
    gsi1sk: jobPk(job.jobId),
    // Every job sits in one partition of the status index, newest first, so admins list jobs
    // with a Query instead of a table scan (the index is keys-only; the list reads the items).
    gsi2pk: ALL_JOBS_PK,
    gsi2sk: `${job.createdAt}#${job.jobId}`,
    ...job,
  };
}

/**
 * One item per crew member assigned to a job, under the job, indexed by the crew member in the
 * customer index (`CREW#{id}`): a crew's jobs are one Query, whatever the number of jobs.
 */
export function crewAssignmentItems(job: Pick<Job, 'jobId' | 'crewIds'>): Record<string, unknown>[] {
  return job.crewIds.map((crewId) => ({
    pk: jobPk(job.jobId),
    sk: crewAssignmentSk(crewId),
    type: 'crew-assignment',
    gsi1pk: crewPk(crewId),
    gsi1sk: jobPk(job.jobId),
    jobId: job.jobId,
    crewId,
  }));
}

/** Reads a job back from its item. */
export function jobFromItem(item: Record<string, unknown>): Job {
  return {
    jobId: String(item.jobId),
    customerId: String(item.customerId),
    crewIds: Array.isArray(item.crewIds) ? item.crewIds.map(String) : [],
    address: String(item.address ?? ''),
    site: (item.site as Job['site']) ?? null,
    dumpsterSize: String(item.dumpsterSize ?? ''),
    status: String(item.status ?? ''),
    createdAt: String(item.createdAt ?? ''),
    ...(typeof item.quoteId === 'string' ? { quoteId: item.quoteId } : {}),
    ...(typeof item.deliveryDate === 'string' ? { deliveryDate: item.deliveryDate } : {}),
    ...(typeof item.rentalDays === 'number' ? { rentalDays: item.rentalDays } : {}),
    ...(item.siteSource ? { siteSource: item.siteSource as Job['siteSource'] } : {}),
  };
}
