import type { Job } from '../repo/job-item.ts';
import type { Caller } from './caller.ts';

/** A quote as access rules need it. */
export interface QuoteAccess {
  quoteId: string;
  customerId: string;
}

/** Admin sees any job, crew the jobs assigned to them, a customer their own. */
export function canSeeJob(caller: Caller, job: Job): boolean {
  switch (caller.role) {
    case 'admin':
      return true;
    case 'crew':
      return job.crewIds.includes(caller.sub);
    case 'customer':
      return job.customerId === caller.sub;
  }
}

/** Admin and assigned crew upload to a job; customers upload only to their quotes. */
export function canUploadToJob(caller: Caller, job: Job): boolean {
  return caller.role === 'admin' || (caller.role === 'crew' && job.crewIds.includes(caller.sub));
}

/** Admin and the quote's own customer attach photos to a quote. */
export function canUploadToQuote(caller: Caller, quote: QuoteAccess): boolean {
  return caller.role === 'admin' || (caller.role === 'customer' && quote.customerId === caller.sub);
}
