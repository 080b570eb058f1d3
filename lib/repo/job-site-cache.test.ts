import { describe, expect, it } from 'vitest';
import type { Job } from './job-item.ts';
import { JobSiteCache } from './job-site-cache.ts';

function repo(jobs: Record<string, Partial<Job> | null>) {
  const reads: string[] = [];
  return {
    reads,
    get: async (jobId: string) => {
      reads.push(jobId);
      await new Promise((r) => setTimeout(r, 1));
      const job = jobs[jobId];
      return job ? ({ jobId, site: null, ...job } as Job) : null;
    },
  };
}

describe('JobSiteCache', () => {
  it('reads a job with a site once per ttl, and shares one read between concurrent callers', async () => {
    let now = 1_000;
    const jobs = repo({ 'job-1': { site: { lat: 1, lon: 2 } } });
    const cache = new JobSiteCache(jobs, 10_000, () => now);
    const sites = await Promise.all([cache.site('job-1'), cache.site('job-1'), cache.site('job-1')]);
    expect(sites).toEqual([
      { lat: 1, lon: 2 },
      { lat: 1, lon: 2 },
      { lat: 1, lon: 2 },
    ]);
    expect(await cache.site('job-1')).toEqual({ lat: 1, lon: 2 });
    expect(jobs.reads).toEqual(['job-1']);
    now += 10_001;
    await cache.site('job-1');
    expect(jobs.reads).toEqual(['job-1', 'job-1']);
  });

  it('keeps no answer for a job without a site, so a site set later is seen at once', async () => {
    const data: Record<string, Partial<Job> | null> = { 'job-2': { site: null } };
    const jobs = repo(data);
    const cache = new JobSiteCache(jobs, 60_000);
    expect(await cache.site('job-2')).toBeNull();
    expect(await cache.site('missing')).toBeNull();
    data['job-2'] = { site: { lat: 3, lon: 4 } };
    expect(await cache.site('job-2')).toEqual({ lat: 3, lon: 4 });
    expect(jobs.reads).toEqual(['job-2', 'missing', 'job-2']);
  });

  it('does not keep a failed read', async () => {
    let fail = true;
    const cache = new JobSiteCache(
      {
        get: async () => {
          if (fail) throw new Error('throttled');
          return { jobId: 'j', site: { lat: 5, lon: 6 } } as Job;
        },
      },
      60_000,
    );
    await expect(cache.site('j')).rejects.toThrow('throttled');
    fail = false;
    expect(await cache.site('j')).toEqual({ lat: 5, lon: 6 });
  });
});
