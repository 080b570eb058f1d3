import { canSeeJob, canUploadToJob, canUploadToQuote } from '../../lib/auth/access.ts';
import type { Caller } from '../../lib/auth/caller.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { QUOTE_JOB_PREFIX } from '../../lib/keys/photo-keys.ts';
import type { Job } from '../../lib/repo/job-item.ts';
import type { JobRepository } from '../../lib/repo/jobs.ts';
import type { QuoteRepository } from '../../lib/repo/quotes.ts';

/**
 * Not-yours and does-not-exist answer alike (403) for anyone but an admin, so job ids of other
 * customers cannot be probed; an admin, who may see everything, gets an honest 404.
 */
function denied(caller: Caller, jobId: string, exists: boolean): HttpError {
  if (caller.role === 'admin' && !exists)
    return new HttpError('not_found', `There is no job or quote "${jobId}".`);
  return new HttpError('forbidden', `You do not have access to "${jobId}".`);
}

/** Resolves an upload target (a job, or `quote-{id}`) and checks the caller may upload to it. */
export async function authorizeUpload(
  caller: Caller,
  jobId: string,
  repos: { jobs: JobRepository; quotes: QuoteRepository },
): Promise<{ kind: 'job'; job: Job } | { kind: 'quote'; quoteId: string }> {
  if (jobId.startsWith(QUOTE_JOB_PREFIX)) {
    const quoteId = jobId.slice(QUOTE_JOB_PREFIX.length);
    const quote = await repos.quotes.getAccess(quoteId);
    if (!quote || !canUploadToQuote(caller, quote)) throw denied(caller, jobId, quote !== null);
    return { kind: 'quote', quoteId };
  }
  const job = await repos.jobs.get(jobId);
  if (!job || !canUploadToJob(caller, job)) throw denied(caller, jobId, job !== null);
  return { kind: 'job', job };
}

/** Checks the caller may see a job's photos. */
export async function authorizeView(caller: Caller, jobId: string, jobs: JobRepository): Promise<Job> {
  const job = await jobs.get(jobId);
  if (!job || !canSeeJob(caller, job)) throw denied(caller, jobId, job !== null);
  return job;
}
