import type { ScheduledEvent } from 'aws-lambda';
import type { Config } from '../lib/config/config.ts';
import type { FunctionName, Topology } from '../lib/topology/types.ts';
import type { HttpHandler } from './http/server.ts';
import type { SqsHandler } from './queue/poller.ts';

/** The handlers a function exposes to the local runtime: HTTP routes, an SQS consumer, or both. */
export interface LocalFunction {
  http?: HttpHandler;
  sqs?: SqsHandler;
  /** Scheduled tasks by the topology's `schedules[].task` name; the runtime runs each on its interval. */
  scheduled?: Record<string, ScheduledTask>;
}

/** A scheduled task as the runtime calls it: the EventBridge scheduled event it would get on AWS. */
export type ScheduledTask = (event: ScheduledEvent) => Promise<unknown>;

/**
 * Maps a function's folder name to its handler factory, given the runtime's config. This is the
 * one place where `local/` imports `functions/`; the CDK app maps the same names to entry files.
 */
export const localFunctions: Partial<
  Record<FunctionName, (config: Config, topology: Topology) => Promise<LocalFunction>>
> = {
  presign: async (config) => {
    const { createPresignHandler } = await import('../functions/presign/app.ts');
    return { http: createPresignHandler(config) };
  },
  'on-upload': async (config, topology) => {
    const { createOnUploadHandler } = await import('../functions/on-upload/app.ts');
    return {
      sqs: createOnUploadHandler(config, { maxReceiveCount: topology.queues.uploads.maxReceiveCount }),
    };
  },
  booking: async (config) => {
    const { createBookingApp } = await import('../functions/booking/app.ts');
    const app = createBookingApp(config);
    return { http: app.http, scheduled: { 'expire-quotes': app.expireQuotes } };
  },
  thumbnail: async (config, topology) => {
    const { createThumbnailHandler } = await import('../functions/thumbnail/app.ts');
    return {
      sqs: createThumbnailHandler(config, { maxReceiveCount: topology.queues.thumbnails.maxReceiveCount }),
    };
  },
};
