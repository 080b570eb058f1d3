import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { HttpError } from '../../lib/http/errors.ts';
import { type ErrorLogger, errorResponse, json } from '../../lib/http/response.ts';
import type { FunctionName, RouteSpec } from '../../lib/topology/types.ts';
import type { LocalEventBus } from '../bus/event-bus.ts';
import { handleEventsRequest } from '../bus/events-endpoint.ts';
import { FaultSpecError } from '../faults/errors.ts';
import type { FaultSwitch } from '../faults/faults.ts';
import type { DevIdentity } from '../identity/dev-identity.ts';
import { type SeedUser, seedUsers } from '../identity/seed-data.ts';
import { lambdaContext } from '../lambda-context.ts';
import { handleSqsRequest, type SqsEndpointOptions } from '../queue/sqs-endpoint.ts';
import { toApiGatewayEvent, writeResult } from './api-gateway.ts';
import { readBody } from './read-body.ts';
import { matchRoute, pathHasRoute } from './router.ts';
import { serveStatic } from './static-files.ts';

/** An HTTP Lambda handler (payload format 2.0). */
export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

/** What the API server needs: routes, the handlers by function name, the bus and the identity. */
export interface ApiServerOptions {
  host: string;
  port: number;
  routes: RouteSpec[];
  handlers: Partial<Record<FunctionName, HttpHandler>>;
  webRoot: string;
  bus: LocalEventBus;
  /** Local fault injection, switched by `POST /dev/faults`. */
  faults?: FaultSwitch;
  /** The local queues behind the SQS JSON endpoint (the functions' retry backoff uses it). */
  sqs?: SqsEndpointOptions;
  identity: DevIdentity;
  /** The `/dev/info` document (filled in once everything listens). */
  info: () => unknown;
  ready: () => boolean;
  log: ErrorLogger;
  /** Pays a Checkout Session through the local Stripe stand-in (`POST /dev/stripe/pay`). */
  stripePay?: (sessionId: string) => Promise<unknown>;
}

const MAX_BODY_BYTES = 6 * 1024 * 1024; // API Gateway's Lambda payload limit is 6 MB.

const tokenRequest = z.object({ sub: z.string().min(1), role: z.enum(['admin', 'crew', 'customer']) });

/** Starts the local API: routes to handlers as API Gateway would, dev endpoints, and `web/`. */
export async function startApiServer(options: ApiServerOptions): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error) => {
      options.log.error('request failed', { error: String(error) });
      if (!res.headersSent) writeResult(res, errorResponse(error, options.log));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${options.host}:${port}` };
}

async function handle(o: ApiServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (await handleEventsRequest(o.bus, req, res)) return;
  if (o.sqs && (await handleSqsRequest(o.sqs, req, res))) return;
  const url = new URL(req.url ?? '/', 'http://local');
  const method = req.method ?? 'GET';
  const path = url.pathname;

  if (method === 'GET' && path === '/healthz') {
    return writeResult(res, o.ready() ? json(200, { ok: true }) : json(503, { ok: false }));
  }
  if (method === 'GET' && path === '/dev/info') return writeResult(res, json(200, o.info()));
  if (method === 'GET' && path === '/.well-known/jwks.json')
    return writeResult(res, json(200, o.identity.jwks));
  if (o.faults && path === '/dev/faults' && (method === 'POST' || method === 'GET')) {
    const faults = o.faults;
    if (method === 'GET') return writeResult(res, json(200, { faults: faults.list() }));
    return writeResult(
      res,
      await setFaults(faults, await readBody(req, MAX_BODY_BYTES)).catch((e) => errorResponse(e, o.log)),
    );
  }
  if (method === 'POST' && path === '/dev/token') {
    return writeResult(
      res,
      await devToken(o.identity, await readBody(req, MAX_BODY_BYTES)).catch((e) => errorResponse(e, o.log)),
    );
  }

  if (method === 'POST' && path === '/dev/stripe/pay') {
    return writeResult(
      res,
      await devStripePay(o, await readBody(req, MAX_BODY_BYTES)).catch((e) => errorResponse(e, o.log)),
    );
  }

  const match = matchRoute(o.routes, method, path);
  if (match) {
    const handler = o.handlers[match.route.function];
    if (!handler) {
      return writeResult(
        res,
        errorResponse(new Error(`no local handler for ${match.route.function}`), o.log),
      );
    }
    const body = await readBody(req, MAX_BODY_BYTES).catch(() => undefined);
    if (!body) return writeResult(res, json(413, { message: 'Request Entity Too Large' }));
    const event = toApiGatewayEvent(req, body, match, url);
    return writeResult(res, await handler(event, lambdaContext(match.route.function, 10)));
  }
  if (pathHasRoute(o.routes, path)) {
    return writeResult(
      res,
      errorResponse(new HttpError('not_found', `No route for ${method} ${path}.`), o.log),
    );
  }
  if ((method === 'GET' || method === 'HEAD') && (await serveStatic(o.webRoot, path, res, method === 'HEAD')))
    return;
  writeResult(res, errorResponse(new HttpError('not_found', `Nothing at ${path}.`), o.log));
}

const faultsRequest = z.object({ faults: z.string().max(1000) });

async function setFaults(faults: FaultSwitch, body: Buffer) {
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError('invalid_request', 'Expected a JSON body {"faults": "stage:mode,..."}.');
  }
  const parsed = faultsRequest.safeParse(input);
  if (!parsed.success)
    throw new HttpError('invalid_request', 'Expected {"faults": "stage:mode,..."} ("" clears).');
  try {
    return json(200, { faults: faults.set(parsed.data.faults) });
  } catch (error) {
    if (error instanceof FaultSpecError) throw new HttpError('invalid_request', error.message);
    throw error;
  }
}

async function devToken(identity: DevIdentity, body: Buffer) {
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError('invalid_request', 'Expected a JSON body {"sub", "role"}.');
  }
  const parsed = tokenRequest.safeParse(input);
  if (!parsed.success) {
    throw new HttpError(
      'invalid_request',
      'Expected {"sub": "<seeded user>", "role": "crew"|"customer"|"admin"}.',
    );
  }
  const user: SeedUser | undefined = seedUsers.find((u) => u.sub === parsed.data.sub);
  if (!user || user.role !== parsed.data.role) {
    const known = seedUsers.map((u) => `${u.sub} (${u.role})`).join(', ');
    throw new HttpError('invalid_request', `Expected a seeded user with that role; seeded: ${known}.`);
  }
  return json(200, { token: await identity.issue(parsed.data), token_type: 'Bearer', expires_in: 3600 });
}

const payRequest = z.object({ session_id: z.string().regex(/^cs_[A-Za-z0-9_]+$/) });

/** `POST /dev/stripe/pay {"session_id"}`: what the stand-in's Pay button does, for scripts and tests. */
async function devStripePay(o: ApiServerOptions, body: Buffer) {
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    input = null;
  }
  const parsed = payRequest.safeParse(input);
  if (!parsed.success) throw new HttpError('invalid_request', 'Expected {"session_id": "cs_…"}.');
  if (!o.stripePay) throw new HttpError('not_found', 'No Stripe stand-in runs here.');
  try {
    const { session, webhookStatus } = (await o.stripePay(parsed.data.session_id)) as {
      session: { id: string; status: string; payment_status: string; amount_total: number };
      webhookStatus: number;
    };
    return json(200, {
      session_id: session.id,
      status: session.status,
      payment_status: session.payment_status,
      amount_total: session.amount_total,
      webhook_status: webhookStatus,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new HttpError(message.startsWith('No such') ? 'not_found' : 'conflict', message);
  }
}
