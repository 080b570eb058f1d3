import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { Authenticate } from '../../lib/auth/authenticate.ts';
import { createCallerAuthenticator } from '../../lib/auth/caller-authenticator.ts';
import { type AwsClients, createAwsClients } from '../../lib/aws/clients.ts';
import type { Config } from '../../lib/config/config.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { errorResponse } from '../../lib/http/response.ts';
import { createLogger } from '../../lib/log/logger.ts';
import { JobListing } from '../../lib/repo/job-list.ts';
import { JobRepository } from '../../lib/repo/jobs.ts';
import { PhotoRepository } from '../../lib/repo/photos.ts';
import { QuoteRepository } from '../../lib/repo/quotes.ts';
import { RateLimiter } from '../../lib/repo/rate-limits.ts';
import { getJob, listJobs } from './jobs.ts';
import { listPhotos } from './list-photos.ts';
import { getOriginal } from './original.ts';
import { issueUploadUrl } from './upload-url.ts';

/** Overrides for tests: clients, a key set, a clock. */
export interface PresignOverrides {
  clients?: AwsClients;
  authenticate?: Authenticate;
  now?: () => number;
}

/** Builds the presign function's handler: parse, authenticate, authorize, act, answer. */
export function createPresignHandler(config: Config, overrides: PresignOverrides = {}) {
  const logger = createLogger('presign', config);
  const clients = overrides.clients ?? createAwsClients(config);
  const authenticate = overrides.authenticate ?? createCallerAuthenticator(config);
  const now = overrides.now ?? Date.now;
  const deps = {
    config,
    s3: clients.s3,
    jobs: new JobRepository(clients.dynamo, config.tableName),
    jobList: new JobListing(clients.dynamo, config.tableName),
    photos: new PhotoRepository(clients.dynamo, config.tableName),
    quotes: new QuoteRepository(clients.dynamo, config.tableName),
    rateLimiter: new RateLimiter(clients.dynamo, config.tableName, now),
    now,
    log: (message: string, extra: Record<string, unknown>) => logger.info(message, extra),
  };
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
    try {
      const caller = await authenticate(event);
      switch (event.routeKey) {
        case 'POST /upload-url':
          return await issueUploadUrl(event, caller, deps);
        case 'GET /list-photos':
          return await listPhotos(event, caller, deps);
        case 'GET /photos/{photo_id}/original':
          return await getOriginal(event, caller, deps);
        case 'GET /jobs':
          return await listJobs(event, caller, deps);
        case 'GET /jobs/{job_id}':
          return await getJob(event, caller, deps);
        default:
          throw new HttpError('not_found', `No route for ${event.routeKey}.`);
      }
    } catch (error) {
      if (error instanceof HttpError && error.status < 500) {
        logger.info('request refused', { route: event.routeKey, code: error.code, status: error.status });
      }
      return errorResponse(error, logger);
    }
  };
}
