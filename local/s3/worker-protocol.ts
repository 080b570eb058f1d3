import type { S3LogEntry, S3ServerOptions } from './types.ts';

/** What the worker is started with: the options, minus what cannot cross threads. */
export interface S3WorkerOptions extends Omit<S3ServerOptions, 'buckets' | 'log' | 'now'> {
  buckets: Array<{
    name: string;
    cors: S3ServerOptions['buckets'][number]['cors'];
    notifications: Array<{ id: string; prefix: string }>;
  }>;
}

/** Messages from the S3 worker to the thread that started it. */
export type FromS3Worker =
  | { type: 'ready'; url: string; port: number }
  | { type: 'failed'; message: string; code?: string; port?: number }
  | { type: 'notify'; id: number; bucket: number; target: number; body: string }
  | { type: 'log'; entry: S3LogEntry }
  | { type: 'closed' };

/** Messages to the S3 worker. */
export type ToS3Worker = { type: 'ack'; id: number } | { type: 'close' };
