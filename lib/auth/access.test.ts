import { describe, expect, it } from 'vitest';
import type { Job } from '../repo/job-item.ts';
import { canSeeJob, canUploadToJob, canUploadToQuote } from './access.ts';

const job: Job = {
  jobId: 'job-1',
  customerId: 'cust-1',
  crewIds: ['crew-1'],
  address: '',
  site: null,
  dumpsterSize: '20yd',
  status: 'scheduled',
  createdAt: '',
};

describe('job and quote access', () => {
  it.each([
    ['admin', 'anyone', true, true],
    ['crew', 'crew-1', true, true],
    ['crew', 'crew-2', false, false],
    ['customer', 'cust-1', true, false],
    ['customer', 'cust-2', false, false],
  ] as const)('%s %s: see=%s upload=%s', (role, sub, see, upload) => {
    expect(canSeeJob({ sub, role }, job)).toBe(see);
    expect(canUploadToJob({ sub, role }, job)).toBe(upload);
  });

  it('lets only the owning customer (or an admin) attach photos to a quote', () => {
    const quote = { quoteId: 'q1', customerId: 'cust-1' };
    expect(canUploadToQuote({ sub: 'cust-1', role: 'customer' }, quote)).toBe(true);
    expect(canUploadToQuote({ sub: 'cust-2', role: 'customer' }, quote)).toBe(false);
    expect(canUploadToQuote({ sub: 'crew-1', role: 'crew' }, quote)).toBe(false);
    expect(canUploadToQuote({ sub: 'a', role: 'admin' }, quote)).toBe(true);
  });
});
