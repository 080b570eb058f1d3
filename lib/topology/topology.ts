import type { Topology } from './types.ts';

/** Event source of every domain event the pipeline emits. */
export const EVENT_SOURCE = 'qdn.photos';

const functions: Topology['functions'] = {
  presign: { name: 'presign', timeoutSeconds: 10, memoryMb: 512 },
  'on-upload': { name: 'on-upload', timeoutSeconds: 30, memoryMb: 512 },
  thumbnail: {
    name: 'thumbnail',
    timeoutSeconds: 60,
    memoryMb: 2048,
    // libuv's pool must hold (photos in flight × sizes) + 2 jobs, or sharp's work serializes;
    // it is read once, at process start (npm start sets the same value). glibc makes up to 8
    // malloc arenas per core for libvips' threads and keeps their freed pages: 2 arenas halved
    // the local runtime's RSS in a burst of 12 MP photos (bench/RESULTS.md); also read at start.
    environment: { UV_THREADPOOL_SIZE: '6', MALLOC_ARENA_MAX: '2' },
  },
  booking: { name: 'booking', timeoutSeconds: 10, memoryMb: 512 },
  ops: { name: 'ops', timeoutSeconds: 30, memoryMb: 512 },
};

/**
 * The pipeline's topology, declared once. A limit or a consumer changes here and nowhere else:
 * `local/` builds queues, pollers, rules and routes from it, `infra/` builds the AWS resources.
 */
export const topology: Topology = {
  lambdaRuntime: 'nodejs24.x',
  functions,
  buckets: {
    uploads: {
      id: 'uploads',
      name: 'qdn-uploads',
      // Grants write under `photos/`; an accepted original moves to `originals/`, where no grant can
      // write, so the checked and fingerprinted bytes are the bytes kept.
      prefixes: { photos: 'photos/', originals: 'originals/', thumbs: 'thumbs/', quarantine: 'quarantine/' },
      cors: [
        {
          // The dashboard origin(s). Locally the runtime adds its own origin (see local/).
          allowedOrigins: ['https://app.quickdumpnow.com'],
          allowedMethods: ['POST', 'GET', 'HEAD'],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag', 'Location'],
          maxAgeSeconds: 3000,
        },
      ],
      notifications: [{ events: ['s3:ObjectCreated:*'], prefix: 'photos/', queue: 'uploads' }],
    },
  },
  queues: {
    uploads: {
      id: 'uploads',
      name: 'qdn-uploads',
      dlqName: 'qdn-uploads-dlq',
      // At least 6 × the consumer's timeout, as AWS recommends for event-source mappings.
      visibilityTimeoutSeconds: 6 * functions['on-upload'].timeoutSeconds,
      maxReceiveCount: 5,
      // A throttled read or a lost connection is usually over in seconds; a poison message reaches
      // the DLQ after 5 s + 30 s + 2 min + 2 min instead of 5 × the 180 s timeout.
      retryBackoffSeconds: [5, 30, 120],
      retentionSeconds: 4 * 24 * 3600,
      dlqRetentionSeconds: 14 * 24 * 3600,
      // Latency: window 0 (AWS's default for standard queues) — a 1 s window was ≈ 1 s of a ≈ 1.4 s
      // upload → ready (bench/RESULTS.md); a burst still fills batches of 10 while one is in flight.
      // Two in flight: on-upload is I/O-bound (a ranged GET, a copy, a few DynamoDB writes).
      consumer: { function: 'on-upload', batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 2 },
    },
    thumbnails: {
      id: 'thumbnails',
      name: 'qdn-thumbnails',
      dlqName: 'qdn-thumbnails-dlq',
      visibilityTimeoutSeconds: 6 * functions.thumbnail.timeoutSeconds,
      maxReceiveCount: 3,
      // 5 s, then 30 s: a failing thumbnail reaches the DLQ in about 35 s, not 3 × 360 s.
      retryBackoffSeconds: [5, 30, 120],
      retentionSeconds: 4 * 24 * 3600,
      dlqRetentionSeconds: 14 * 24 * 3600,
      // Small batches: one thumbnail batch must finish well inside the function timeout.
      // Latency: window 0, and two batches of two in flight keep both cores of the measured machine
      // busy without queueing decoded bitmaps (peak RSS); see bench/RESULTS.md.
      consumer: { function: 'thumbnail', batchSize: 2, maxBatchingWindowSeconds: 0, maxConcurrency: 2 },
    },
  },
  bus: {
    name: 'qdn-bus',
    rules: [
      {
        name: 'photo-received-to-thumbnails',
        source: EVENT_SOURCE,
        detailTypes: ['photo.received'],
        targetQueue: 'thumbnails',
      },
    ],
  },
  routes: [
    { method: 'POST', path: '/upload-url', function: 'presign', auth: 'jwt' },
    { method: 'GET', path: '/list-photos', function: 'presign', auth: 'jwt' },
    { method: 'GET', path: '/photos/{photo_id}/original', function: 'presign', auth: 'jwt' },
    // The dashboard's and tracking page's jobs (presign already reads jobs and applies their access).
    { method: 'GET', path: '/jobs', function: 'presign', auth: 'jwt' },
    { method: 'GET', path: '/jobs/{job_id}', function: 'presign', auth: 'jwt' },
    // Booking: a quote may be asked for without a token (the function accepts a customer token too).
    { method: 'POST', path: '/book-quote', function: 'booking', auth: 'public' },
    { method: 'GET', path: '/quotes/{quote_id}', function: 'booking', auth: 'jwt' },
    { method: 'POST', path: '/quotes/{quote_id}/checkout', function: 'booking', auth: 'jwt' },
    { method: 'POST', path: '/quotes/{quote_id}/zelle-received', function: 'booking', auth: 'jwt' },
    // Stripe calls this with no token: the function verifies `Stripe-Signature` on the raw body.
    { method: 'POST', path: '/stripe/webhook', function: 'booking', auth: 'stripe-signature' },
    // The public half of the customer-token key: every function verifies customer tokens with it.
    { method: 'GET', path: '/.well-known/customer-jwks.json', function: 'booking', auth: 'public' },
    // A tracking link (signed, in the URL's fragment) is exchanged here for a short customer token.
    { method: 'POST', path: '/tracking/token', function: 'booking', auth: 'public' },
    { method: 'GET', path: '/ops/status', function: 'ops', auth: 'jwt' },
    { method: 'GET', path: '/ops/dlq/{queue}', function: 'ops', auth: 'jwt' },
    { method: 'POST', path: '/ops/dlq/{queue}/redrive', function: 'ops', auth: 'jwt' },
    { method: 'POST', path: '/ops/reconcile', function: 'ops', auth: 'jwt' },
    // Lists for the ops page: quotes awaiting Zelle, failed/refused photos across jobs (indexes only).
    { method: 'GET', path: '/ops/zelle', function: 'ops', auth: 'jwt' },
    { method: 'GET', path: '/ops/photos', function: 'ops', auth: 'jwt' },
  ],
  schedules: [
    // Unpaid quotes and Zelle holds past their time go back to `expired`.
    { task: 'expire-quotes', function: 'booking', handlerExport: 'expireQuotesHandler', everyMinutes: 5 },
    // Originals without a verdict are re-enqueued; expired `pending` grants become `abandoned`.
    { task: 'reconcile', function: 'ops', handlerExport: 'reconcileHandler', everyMinutes: 15 },
  ],
  uploads: {
    maxBytes: 10 * 1024 * 1024,
    contentTypes: {
      'image/jpeg': 'jpg',
      'image/png': 'png',
      'image/webp': 'webp',
      'image/heic': 'heic',
      'image/heif': 'heif',
    },
    urlTtlSeconds: 900,
  },
  thumbnails: {
    sizes: [
      { name: 'small', longEdge: 320 },
      { name: 'large', longEdge: 1280 },
    ],
    format: 'webp',
    cacheControl: 'public, max-age=31536000, immutable',
    // libwebp effort 2 instead of sharp's 4: the 1280 px encode takes 0.41–0.46 × the time for
    // +7% bytes and −0.003 SSIM on textured, noisy photos (bench/webp.bench.ts, bench/RESULTS.md).
    webpEffort: 2,
  },
};
