import type { JobRepository } from './jobs.ts';

/** A job's site, as on-upload needs it. */
export type Site = { lat: number; lon: number };

/** How many jobs' sites one instance keeps; past that the cache starts over. */
const MAX_JOBS = 5_000;

/**
 * The sites of jobs, read once per instance and kept for `ttlMs`: on-upload reads a job only for
 * its site (to flag a photo taken far from it), and a crew uploads many photos of one job in a
 * row. Only a known site is kept — a job without one is read again every time, so the site that
 * booking sets from the first photos' positions is seen at once; a site changed later is seen
 * within `ttlMs`. Concurrent misses for one job share one read.
 */
export class JobSiteCache {
  readonly #known = new Map<string, { site: Site; until: number }>();
  readonly #reading = new Map<string, Promise<Site | null>>();

  constructor(
    private readonly jobs: Pick<JobRepository, 'get'>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The job's site, or null when the job or its site is unknown. */
  async site(jobId: string): Promise<Site | null> {
    const known = this.#known.get(jobId);
    if (known && known.until > this.now()) return known.site;
    const pending = this.#reading.get(jobId);
    if (pending) return pending;
    const reading = this.jobs
      .get(jobId)
      .then((job) => {
        const site = job?.site ?? null;
        if (site) {
          if (this.#known.size >= MAX_JOBS) this.#known.clear();
          this.#known.set(jobId, { site, until: this.now() + this.ttlMs });
        }
        return site;
      })
      .finally(() => this.#reading.delete(jobId));
    this.#reading.set(jobId, reading);
    return reading;
  }
}
