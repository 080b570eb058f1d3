import type { ScheduledEvent, SQSRecord } from 'aws-lambda';
import type { Config } from '../lib/config/config.ts';
import { queueNameOf } from '../lib/events/attempts.ts';
import type { FunctionName, Topology } from '../lib/topology/types.ts';
import type { HttpHandler } from './http/server.ts';
import type { SqsHandler } from './queue/poller.ts';
import type { QueueStore } from './queue/queue-store.ts';

/** The handlers a function exposes to the local runtime besides a queue consumer: HTTP routes, schedules. */
export interface LocalFunction {
  http?: HttpHandler;
  /** Scheduled tasks by the topology's `schedules[].task` name; the runtime runs each on its interval. */
  scheduled?: Record<string, ScheduledTask>;
}

/** A scheduled task as the runtime calls it: the EventBridge scheduled event it would get on AWS. */
export type ScheduledTask = (event: ScheduledEvent) => Promise<unknown>;

/** What the runtime offers a function beyond config: its queues (ops reads and redrives them). */
export interface LocalRuntimeContext {
  queues: QueueStore;
}

/**
 * Maps a function's folder name to its handler factory, given the runtime's config. This is the
 * one place where `local/` imports `functions/`; the CDK app maps the same names to entry files.
 */
export const localFunctions: Partial<
  Record<
    FunctionName,
    (config: Config, topology: Topology, context: LocalRuntimeContext) => Promise<LocalFunction>
  >
> = {
  presign: async (config) => {
    const { createPresignHandler } = await import('../functions/presign/app.ts');
    return { http: createPresignHandler(config) };
  },
  booking: async (config) => {
    const { createBookingApp } = await import('../functions/booking/app.ts');
    const app = createBookingApp(config);
    return { http: app.http, scheduled: { 'expire-quotes': app.expireQuotes } };
  },
  ops: async (config, topology, context) => {
    const { createOpsHandler } = await import('../functions/ops/app.ts');
    const { LocalQueueAdmin } = await import('./queue/queue-admin.ts');
    const ops = createOpsHandler(config, { queueAdmin: new LocalQueueAdmin(context.queues), topology });
    return { http: ops.http, scheduled: { reconcile: ops.reconcile } };
  },
};

/**
 * What a queue consumer needs of the runtime. It may run on another thread than the queues
 * (local/consumers/worker-host.ts), so it sees them only through this.
 */
export interface ConsumerContext {
  /** Throws the stage's transient fault while it is switched on. */
  checkFault(stage: 'on-upload' | 'thumbnail'): void;
  /** Keeps a failed delivery's reason as the message's last error in the local store (ops read it). */
  recordError(queue: string, receiptHandle: string, reason: string): void;
}

/**
 * The queue consumers, built from the same config: on `npm start` they run on a worker thread of
 * their own (local/consumers/), so their work does not hold up the API's event loop.
 */
export const localConsumers: Partial<
  Record<FunctionName, (config: Config, topology: Topology, context: ConsumerContext) => Promise<SqsHandler>>
> = {
  'on-upload': async (config, topology, context) => {
    const { createOnUploadHandler } = await import('../functions/on-upload/app.ts');
    return createOnUploadHandler(config, failurePolicy(topology.queues.uploads, 'on-upload', context));
  },
  thumbnail: async (config, topology, context) => {
    const { createThumbnailHandler } = await import('../functions/thumbnail/app.ts');
    return createThumbnailHandler(config, failurePolicy(topology.queues.thumbnails, 'thumbnail', context));
  },
};

/** A consumer's retry settings from its queue's topology, its fault switch, and where reasons go. */
function failurePolicy(
  queue: { maxReceiveCount: number; retryBackoffSeconds?: number[] },
  stage: 'on-upload' | 'thumbnail',
  context: ConsumerContext,
) {
  return {
    maxReceiveCount: queue.maxReceiveCount,
    ...(queue.retryBackoffSeconds ? { backoffSeconds: queue.retryBackoffSeconds } : {}),
    beforeRecord: () => context.checkFault(stage),
    onFailure: keepReason(context),
  };
}

function keepReason(context: ConsumerContext) {
  return (record: SQSRecord, reason: string) =>
    context.recordError(queueNameOf(record.eventSourceARN), record.receiptHandle, reason);
}
