import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Caller } from '../../lib/auth/caller.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { parseQuery } from '../../lib/http/request.ts';
import { json } from '../../lib/http/response.ts';
import type { Job } from '../../lib/repo/job-item.ts';
import { InvalidJobCursorError, type JobListing, type JobScope } from '../../lib/repo/job-list.ts';
import type { JobRepository } from '../../lib/repo/jobs.ts';
import { authorizeView } from './access.ts';
import { getJobRequest, listJobsQuery } from './schemas.ts';

/** What the job routes need. */
export interface JobsDeps {
  jobs: JobRepository;
  jobList: JobListing;
}

const DEFAULT_PAGE = 50;

/** `GET /jobs`: admin all jobs (newest first), crew their assignments, a customer their own. */
export async function listJobs(
  event: APIGatewayProxyEventV2,
  caller: Caller,
  deps: JobsDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const query = parseQuery(event, listJobsQuery);
  const scope: JobScope =
    caller.role === 'admin'
      ? { kind: 'all' }
      : caller.role === 'crew'
        ? { kind: 'crew', crewId: caller.sub }
        : { kind: 'customer', customerId: caller.sub };
  try {
    const page = await deps.jobList.page(scope, {
      limit: query.limit ?? DEFAULT_PAGE,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    // An assignment is only a pointer: the job's own crew list has the last word.
    const visible = page.jobs.filter((job) => scope.kind !== 'crew' || job.crewIds.includes(caller.sub));
    return json(200, { jobs: visible.map((job) => toApi(job, caller)), next_cursor: page.nextCursor });
  } catch (error) {
    if (error instanceof InvalidJobCursorError) throw new HttpError('invalid_request', error.message);
    throw error;
  }
}

/** `GET /jobs/{job_id}`: the same access as `/list-photos` (not-yours and unknown alike, 403). */
export async function getJob(
  event: APIGatewayProxyEventV2,
  caller: Caller,
  deps: JobsDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const parsed = getJobRequest.safeParse({ job_id: event.pathParameters?.job_id });
  if (!parsed.success)
    throw new HttpError('invalid_request', `Invalid job_id: ${parsed.error.issues[0]?.message}.`);
  const job = await authorizeView(caller, parsed.data.job_id, deps.jobs);
  return json(200, toApi(job, caller));
}

/** The last day of the rental (delivery + rental days), when both are known. */
function pickupDate(job: Job): string | null {
  if (!job.deliveryDate || !job.rentalDays) return null;
  const day = new Date(`${job.deliveryDate}T00:00:00Z`);
  if (Number.isNaN(day.getTime())) return null;
  day.setUTCDate(day.getUTCDate() + job.rentalDays);
  return day.toISOString().slice(0, 10);
}

function toApi(job: Job, caller: Caller) {
  return {
    job_id: job.jobId,
    status: job.status,
    address: job.address,
    dumpster_size: job.dumpsterSize,
    delivery_date: job.deliveryDate ?? null,
    rental_days: job.rentalDays ?? null,
    pickup_date: pickupDate(job),
    site: job.site ? { lat: job.site.lat, lon: job.site.lon } : null,
    created_at: job.createdAt || null,
    // Who else is on a job is the company's business, not the customer's.
    ...(caller.role === 'customer' ? {} : { customer_id: job.customerId, crew_ids: job.crewIds }),
  };
}
