/** Names of the functions under `functions/`; data names them, it never imports them. */
export type FunctionName = 'presign' | 'on-upload' | 'thumbnail' | 'booking' | 'ops';

/** Logical queue ids. */
export type QueueId = 'uploads' | 'thumbnails';

/** Who may call a route: `jwt` routes verify a token, `public` ones do not (the function may). */
export type RouteAuth = 'jwt' | 'public' | 'stripe-signature';

/** One Lambda function: its folder name, limits and runtime. */
export interface FunctionSpec {
  name: FunctionName;
  timeoutSeconds: number;
  memoryMb: number;
  /** Process environment the function needs before it starts (read by the CDK app and `npm start`). */
  environment?: Record<string, string>;
}

/** A queue, its dead-letter queue and the function that consumes it (the event-source mapping). */
export interface QueueSpec {
  id: QueueId;
  name: string;
  dlqName: string;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  /**
   * Seconds a failed record stays hidden before its next try, by attempt (the last value repeats):
   * the consumer sets it with `ChangeMessageVisibility`, so a retry does not wait the whole timeout.
   */
  retryBackoffSeconds?: number[];
  retentionSeconds: number;
  dlqRetentionSeconds: number;
  consumer: {
    function: FunctionName;
    batchSize: number;
    maxBatchingWindowSeconds: number;
    /** Maximum concurrent batches (the event-source mapping's `maximumConcurrency`, ≥ 2 on AWS). */
    maxConcurrency: number;
  };
}

/** An EventBridge rule that sends events of some detail-types to a queue. */
export interface BusRule {
  name: string;
  source: string;
  detailTypes: string[];
  targetQueue: QueueId;
}

/** A CORS rule as S3 stores it (the same shape the CDK bucket takes). */
export interface CorsRule {
  allowedOrigins: string[];
  allowedMethods: Array<'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD'>;
  allowedHeaders: string[];
  exposedHeaders: string[];
  maxAgeSeconds: number;
}

/** A bucket notification: object-created events under a prefix go to a queue. */
export interface BucketNotification {
  events: Array<'s3:ObjectCreated:*'>;
  prefix: string;
  queue: QueueId;
}

/** A bucket, the prefixes the pipeline writes, its CORS rules and notifications. */
export interface BucketSpec {
  id: 'uploads';
  /** Default physical name (local); on AWS the configured name wins. */
  name: string;
  prefixes: { photos: string; originals: string; thumbs: string; quarantine: string };
  cors: CorsRule[];
  notifications: BucketNotification[];
}

/** One HTTP route of the API, served by a function. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with API Gateway style parameters: `/quotes/{quote_id}/checkout`. */
  path: string;
  function: FunctionName;
  auth: RouteAuth;
}

/**
 * A task run on a schedule: on AWS an EventBridge schedule invokes the named export of the
 * function's `handler.ts` (its own Lambda); locally the runtime runs the function's
 * `scheduled[task]` on the same interval.
 */
export interface ScheduleSpec {
  /** Task name, e.g. `expire-quotes`; the key of `LocalFunction.scheduled`. */
  task: string;
  function: FunctionName;
  /** Named export of `functions/<function>/handler.ts` that takes the scheduled event. */
  handlerExport: string;
  everyMinutes: number;
}

/** A thumbnail size: its name and the length of the long edge in pixels. */
export interface ThumbnailSize {
  name: string;
  longEdge: number;
}

/** The whole topology: plain data read by the local runtime and the CDK app. */
export interface Topology {
  lambdaRuntime: string;
  functions: Record<FunctionName, FunctionSpec>;
  buckets: { uploads: BucketSpec };
  queues: Record<QueueId, QueueSpec>;
  bus: { name: string; rules: BusRule[] };
  routes: RouteSpec[];
  schedules: ScheduleSpec[];
  uploads: {
    maxBytes: number;
    /** Allowed content types and the key extension each one gets. */
    contentTypes: Record<string, string>;
    urlTtlSeconds: number;
  };
  thumbnails: { sizes: ThumbnailSize[]; format: 'webp'; cacheControl: string; webpEffort?: number };
}
