import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, ScheduledEvent } from 'aws-lambda';
import type { Authenticate } from '../../lib/auth/authenticate.ts';
import type { Caller } from '../../lib/auth/caller.ts';
import { createCallerAuthenticator } from '../../lib/auth/caller-authenticator.ts';
import { type AwsClients, createAwsClients } from '../../lib/aws/clients.ts';
import type { Config } from '../../lib/config/config.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { parseJsonBody, parseQuery } from '../../lib/http/request.ts';
import { errorResponse, json } from '../../lib/http/response.ts';
import { createLogger } from '../../lib/log/logger.ts';
import { listAwaitingZelle } from '../../lib/ops/awaiting-zelle.ts';
import { browseDlq } from '../../lib/ops/dlq.ts';
import { InvalidCursorError, InvalidListCursorError, UnknownQueueError } from '../../lib/ops/errors.ts';
import { listProblemPhotos } from '../../lib/ops/photo-problems.ts';
import type { QueueAdmin } from '../../lib/ops/queue-admin.ts';
import { type ReconcileDeps, type ReconcileResult, reconcile } from '../../lib/ops/reconcile.ts';
import { opsStatus } from '../../lib/ops/status.ts';
import { CounterRepository } from '../../lib/repo/counters.ts';
import { FailureRecords } from '../../lib/repo/failures.ts';
import { PhotoTransitions } from '../../lib/repo/photo-transitions.ts';
import { PhotoRepository } from '../../lib/repo/photos.ts';
import { QuoteRepository } from '../../lib/repo/quotes.ts';
import { PhotoStatusIndex } from '../../lib/repo/status-index.ts';
import { topology as defaultTopology } from '../../lib/topology/topology.ts';
import type { QueueSpec, Topology } from '../../lib/topology/types.ts';
import { dlqQuery, opsPhotosQuery, reconcileRequest, zelleQuery } from './schemas.ts';

/** What the ops function is built with: the queue administration is injected (SQS or local). */
export interface OpsOptions {
  queueAdmin: QueueAdmin;
  topology?: Topology;
  clients?: AwsClients;
  authenticate?: Authenticate;
  now?: () => number;
}

/** Builds the ops function: its HTTP handler (admins only) and the scheduled reconcile. */
export function createOpsHandler(config: Config, options: OpsOptions) {
  const logger = createLogger('ops', config);
  const topo = options.topology ?? defaultTopology;
  const clients = options.clients ?? createAwsClients(config);
  const authenticate = options.authenticate ?? createCallerAuthenticator(config);
  const now = options.now ?? Date.now;
  const admin = options.queueAdmin;
  const index = new PhotoStatusIndex(clients.dynamo, config.tableName);
  const failures = new FailureRecords(clients.dynamo, config.tableName);
  const counters = new CounterRepository(clients.dynamo, config.tableName);
  const quotes = new QuoteRepository(clients.dynamo, config.tableName);
  const reconcileDeps: ReconcileDeps = {
    s3: clients.s3,
    bucket: config.uploadsBucket,
    uploadPrefix: topo.buckets.uploads.prefixes.photos,
    uploadsQueue: topo.queues.uploads.name,
    region: config.region,
    admin,
    events: clients.events,
    busName: config.eventBusName,
    photos: new PhotoRepository(clients.dynamo, config.tableName),
    transitions: new PhotoTransitions(clients.dynamo, config.tableName),
    index,
    now,
  };

  const route = async (event: APIGatewayProxyEventV2, caller: Caller): Promise<APIGatewayProxyResultV2> => {
    if (caller.role !== 'admin') throw new HttpError('forbidden', 'Ops is for admins only.');
    switch (event.routeKey) {
      case 'GET /ops/status':
        return json(200, await opsStatus({ topology: topo, admin, index, counters, now }));
      case 'GET /ops/dlq/{queue}': {
        const { limit } = parseQuery(event, dlqQuery);
        return json(200, await browseDlq(queueOf(topo, event), { admin, failures }, limit));
      }
      case 'POST /ops/dlq/{queue}/redrive': {
        const queue = queueOf(topo, event);
        const result = await admin.redrive(queue.dlqName);
        logger.info('dlq redriven', { queue: queue.name, caller: caller.sub, ...result });
        return json(200, 'moved' in result ? result : { task_id: result.taskId, status: result.status });
      }
      case 'GET /ops/zelle': {
        const q = parseQuery(event, zelleQuery);
        return json(
          200,
          await listAwaitingZelle(quotes, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) }),
        );
      }
      case 'GET /ops/photos': {
        const q = parseQuery(event, opsPhotosQuery);
        const deps = { db: clients.dynamo, table: config.tableName, index };
        return json(
          200,
          await listProblemPhotos(deps, q.status, {
            limit: q.limit,
            ...(q.cursor ? { cursor: q.cursor } : {}),
          }),
        );
      }
      case 'POST /ops/reconcile': {
        const input = event.body ? parseJsonBody(event, reconcileRequest) : reconcileRequest.parse({});
        const result = await reconcile(reconcileDeps, {
          limit: input.limit,
          minAgeSeconds: input.min_age_s,
          ...(input.cursor ? { cursor: input.cursor } : {}),
        });
        logReconcile(logger, result, caller.sub);
        return json(200, result);
      }
      default:
        throw new HttpError('not_found', `No route for ${event.routeKey}.`);
    }
  };

  const http = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
    try {
      return await route(event, await authenticate(event));
    } catch (error) {
      if (error instanceof UnknownQueueError)
        return errorResponse(new HttpError('not_found', error.message), logger);
      if (error instanceof InvalidCursorError || error instanceof InvalidListCursorError)
        return errorResponse(new HttpError('invalid_request', error.message), logger);
      if (error instanceof HttpError && error.status < 500) {
        logger.info('request refused', { route: event.routeKey, code: error.code, status: error.status });
      }
      return errorResponse(error, logger);
    }
  };

  /** The schedule's run: walks everything, page after page, until done or near the timeout. */
  const scheduled = async (_event: ScheduledEvent) => {
    const deadline = now() + (topo.functions.ops.timeoutSeconds - 5) * 1000;
    const totals = { scanned: 0, requeued: 0, abandoned: 0, orphans: 0 };
    let cursor: string | undefined;
    do {
      const page = await reconcile(reconcileDeps, {
        limit: 1000,
        minAgeSeconds: 300,
        ...(cursor ? { cursor } : {}),
      });
      logReconcile(logger, page, 'schedule');
      for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += page[k];
      cursor = page.next_cursor ?? undefined;
    } while (cursor && now() < deadline);
    // A walk cut short by the timeout starts over at the next run: every step is idempotent.
    logger.info('reconcile run', { ...totals, complete: !cursor });
    return totals;
  };

  return { http, reconcile: scheduled };
}

function queueOf(topo: Topology, event: APIGatewayProxyEventV2): QueueSpec {
  const name = event.pathParameters?.queue ?? '';
  const queues = Object.values(topo.queues);
  const found = queues.find((q) => q.id === name || q.name === name || q.dlqName === name);
  if (!found)
    throw new UnknownQueueError(
      name,
      queues.map((q) => q.id),
    );
  return found;
}

function logReconcile(logger: ReturnType<typeof createLogger>, r: ReconcileResult, by: string): void {
  for (const a of r.actions) {
    const log = a.action === 'orphan' ? logger.warn.bind(logger) : logger.info.bind(logger);
    log(`reconcile: ${a.action}`, { correlation_id: a.photo_id, job_id: a.job_id, key: a.key, by });
  }
}
