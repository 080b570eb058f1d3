import sharp from 'sharp';

/**
 * Sets sharp's process-wide knobs for this runtime. Call once at start, from the handler's module
 * scope (the local runtime shares one process, so once there too).
 *
 * - `sharp.cache(false)`: libvips' operation cache only pays off when the same input is processed
 *   again; every photo here is new, so the cache would just hold up to 50 MB of dead pixels.
 * - `sharp.concurrency(n)`: libvips worker threads per pipeline. Use 1 (what sharp already picks on
 *   glibc without jemalloc, to limit heap fragmentation) and get parallelism from pipelines instead:
 *   the sizes of a photo encode side by side, and two photos of a batch should be in flight. On
 *   2 cores (bench/thumbnails.bench.ts, 12 MP JPEG) two photos in flight gave x1.8 the photos per
 *   second of one; concurrency 2 made no measurable difference on top (9.2 vs 9.3 photos/s). A
 *   Lambda at 2048 MB has ~1.2 vCPU, so 1 is right there too.
 *
 * UV_THREADPOOL_SIZE cannot be set from here: libuv sizes its pool once, on its first use, and
 * module loading or an S3 call may already have started it. Every sharp `toBuffer()` holds one
 * pool thread for its whole run, and DNS lookups, fs and zlib for the S3 client queue on the same
 * pool, so it must be at least (photos in flight × thumbnail sizes) + 2 — 6 for a batch of 2 photos
 * and 2 sizes (libuv's default of 4 leaves S3 calls queued behind sharp; a pool of 1 serialises
 * everything: two photos in flight then ran at the rate of one, 5.3 vs 9.2 photos/s).
 * Set it in the process environment before Node starts: on AWS in the thumbnail function's
 * `environment` in the CDK stack, locally in the environment of the `npm start` process (all
 * local functions share one pool there, so allow more).
 */
export function configureSharp(opts: { concurrency: number }): void {
  const { concurrency } = opts;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`Expected a positive integer for concurrency but received ${String(concurrency)}`);
  }
  sharp.cache(false);
  sharp.concurrency(concurrency);
}
