import type { CorsRule } from '../../lib/topology/types.ts';

/** Where a bucket's object-created events go: keys under `prefix` are sent, as SQS bodies, to `send`. */
export interface S3NotificationTarget {
  /** The notification configuration id (`configurationId` in events). */
  id: string;
  prefix: string;
  /** Receives the JSON body S3 would put on the queue; awaited before the upload is answered. */
  send(body: string): Promise<void> | void;
}

/** A bucket the endpoint serves, with its CORS rules and notifications. */
export interface S3BucketOptions {
  name: string;
  cors: CorsRule[];
  notifications: S3NotificationTarget[];
}

/** A structured log entry (JSON-friendly). */
export type S3LogEntry = Record<string, unknown>;

/** Options of the local S3 endpoint. */
export interface S3ServerOptions {
  /** Interface to listen on, e.g. '127.0.0.1'. */
  host: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Objects live under `${dataDir}/s3/...`. */
  dataDir: string;
  /** The region clients sign for, e.g. 'us-east-1'. */
  region: string;
  credentials: Array<{ accessKeyId: string; secretAccessKey: string }>;
  buckets: S3BucketOptions[];
  /** Clock in milliseconds, for tests. */
  now?: () => number;
  log?: (entry: S3LogEntry) => void;
}

/** A running endpoint. */
export interface S3Server {
  /** Base URL, e.g. `http://127.0.0.1:4566`; path-style: `${url}/${bucket}/${key}`. */
  url: string;
  port: number;
  close(): Promise<void>;
}
