import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { createAwsClients } from '../lib/aws/clients.ts';
import type { Config } from '../lib/config/config.ts';
import { createLogger } from '../lib/log/logger.ts';
import { topology } from '../lib/topology/topology.ts';
import type { FunctionName, Topology } from '../lib/topology/types.ts';
import { LOCAL_CREDENTIALS } from './auth/local-credentials.ts';
import { LocalEventBus } from './bus/event-bus.ts';
import { startConsumersInWorker } from './consumers/worker-host.ts';
import { startDynaliteInWorker } from './dynamo/worker-host.ts';
import { FaultSwitch } from './faults/faults.ts';
import { withTransientFault } from './faults/with-transient-fault.ts';
import { type LocalFunction, localFunctions, type ScheduledTask } from './functions.ts';
import { type HttpHandler, startApiServer } from './http/server.ts';
import { loadCustomerKey } from './identity/customer-key.ts';
import { loadDevIdentity } from './identity/dev-identity.ts';
import { seedJobsTable } from './identity/seed.ts';
import { seedJobs, seedUsers } from './identity/seed-data.ts';
import { Poller } from './queue/poller.ts';
import { QueueStore } from './queue/queue-store.ts';
import { startS3ServerInWorker } from './s3/worker-host.ts';
import { Scheduler } from './schedule/scheduler.ts';
import { type StripeStandIn, startStripeStandIn } from './stripe/stand-in.ts';
import { loadWebhookSecret } from './stripe/webhook-secret.ts';

/** The credentials the local endpoints accept and the local functions use. */
export { LOCAL_CREDENTIALS };

/** A running embedded runtime. */
export interface Runtime {
  urls: { api: string; s3: string; dynamodb: string };
  dataDir: string;
  /** The configuration the local functions run with (endpoints and identity filled in). */
  functionConfig: Config;
  queues: QueueStore;
  bus: LocalEventBus;
  /** The pollers, one per consumed queue (started unless `pollers: false`). */
  pollers: Poller[];
  /** Runs the topology's scheduled tasks on their intervals; `scheduler.run(task)` runs one now. */
  scheduler: Scheduler;
  /** Local fault injection (`QDN_FAULTS` at start, `POST /dev/faults`, or `faults.set` in tests). */
  faults: FaultSwitch;
  /** The Stripe stand-in, when no `QDN_STRIPE_SECRET_KEY` is set (card payments stay local). */
  stripeStandIn: StripeStandIn | null;
  stop(): Promise<void>;
}

/** Options for tests: another topology, or a web root elsewhere. */
export interface RuntimeOptions {
  topology?: Topology;
  webRoot?: string;
  /** Start the queue pollers (default true); tests that deliver batches by hand turn them off. */
  pollers?: boolean;
  /** Run scheduled tasks on their intervals (default true); tests call `scheduler.run` instead. */
  schedules?: boolean;
  /**
   * Called (after an error is logged) when one of the runtime's worker threads — S3, DynamoDB, the
   * queue consumers — ends without being asked to. `npm start` exits then, as a crash of the
   * process would; without it the rest keeps running with that part gone.
   */
  onWorkerCrash?(worker: string, code: number): void;
}

/**
 * Starts everything in one process: dynalite, the queues and their pollers, the event bus, the
 * strict S3 endpoint, the dev identity and the HTTP API. A second start on the same data folder
 * reuses its data; messages in flight at a crash reappear after their visibility timeout.
 */
export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const topo = options.topology ?? topology;
  const log = createLogger('local-runtime', config);
  for (const [name, value] of Object.entries(config.endpoints)) {
    if (value)
      throw new Error(
        `QDN_${name.toUpperCase()}_ENDPOINT is for functions run against other endpoints; the embedded runtime serves its own. Unset it.`,
      );
  }
  const faults = new FaultSwitch(config.local.faults ?? '');
  const dataDir = resolve(config.local.dataDir);
  await mkdir(dataDir, { recursive: true });
  const stops: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  const crashed = (worker: string) => (code: number) => {
    log.error('a worker thread of the runtime ended unexpectedly', { worker, exit_code: code });
    options.onWorkerCrash?.(worker, code);
  };
  try {
    const dynamo = await startDynaliteInWorker(
      {
        host: config.local.host,
        dataDir,
        tableName: config.tableName,
        region: config.region,
        credentials: LOCAL_CREDENTIALS,
      },
      { onCrash: crashed('dynamodb') },
    );
    stops.push(() => dynamo.close());

    const queues = new QueueStore({ path: join(dataDir, 'queues.sqlite') });
    stops.push(() => queues.close());
    for (const q of Object.values(topo.queues)) {
      queues.define({
        name: q.dlqName,
        visibilityTimeoutSeconds: 30,
        retentionSeconds: q.dlqRetentionSeconds,
      });
      queues.define({
        name: q.name,
        visibilityTimeoutSeconds: q.visibilityTimeoutSeconds,
        retentionSeconds: q.retentionSeconds,
        redrive: { deadLetterQueue: q.dlqName, maxReceiveCount: q.maxReceiveCount },
      });
    }

    // This process is the queues' only consumer: what they hold in flight, its previous run held.
    const released = queues.releaseInFlight();
    if (Object.keys(released).length > 0) {
      log.info('messages in flight when the previous process stopped are visible again', { released });
    }

    const bus = new LocalEventBus({
      name: config.eventBusName,
      region: config.region,
      rules: topo.bus.rules.map((rule) => ({
        name: rule.name,
        source: rule.source,
        detailTypes: rule.detailTypes,
        target: (body: string) => {
          if (faults.drops('bus')) {
            log.error('bus event lost: fault bus:drop', lostEvent(rule.targetQueue, body));
            return;
          }
          try {
            queues.send(topo.queues[rule.targetQueue].name, body);
          } catch (error) {
            log.error('bus event lost: its target queue refused it', {
              ...lostEvent(rule.targetQueue, body),
              error: String(error),
            });
            throw error;
          }
        },
      })),
    });

    const identity = await loadDevIdentity({
      dataDir,
      audience: config.auth.audience,
      roleClaim: config.auth.roleClaim,
    });
    const handlers: Partial<Record<FunctionName, HttpHandler>> = {};
    let ready = false;
    let stripeStandIn: StripeStandIn | null = null;
    const webhookSecret = config.stripe.webhookSecret ?? (await loadWebhookSecret(dataDir));
    const urls = { api: '', s3: '', dynamodb: dynamo.url };
    const api = await startApiServer({
      host: config.local.host,
      port: config.local.port,
      routes: topo.routes,
      handlers,
      webRoot: resolve(options.webRoot ?? join(import.meta.dirname, '..', 'dist', 'web')),
      bus,
      faults,
      sqs: { store: queues, baseUrl: () => urls.api, region: config.region },
      identity,
      ready: () => ready,
      log,
      stripePay: (sessionId: string) => {
        if (!stripeStandIn) throw new Error('no stand-in: QDN_STRIPE_SECRET_KEY is set, pay on Stripe');
        return stripeStandIn.pay(sessionId);
      },
      info: () => ({
        api: urls.api,
        s3: urls.s3,
        dynamodb: urls.dynamodb,
        data_dir: dataDir,
        bucket: config.uploadsBucket,
        users: seedUsers.map((u) => ({ sub: u.sub, role: u.role, name: u.name })),
        jobs: seedJobs.map((j) => ({
          job_id: j.jobId,
          customer_id: j.customerId,
          crew_ids: j.crewIds,
          address: j.address,
          status: j.status,
          dumpster_size: j.dumpsterSize,
        })),
        stripe: { mode: stripeStandIn ? 'stand-in' : 'stripe', webhook_secret: webhookSecret },
      }),
    });
    stops.push(() => closeServer(api.server));
    urls.api = api.url;

    const bucket = topo.buckets.uploads;
    const localOrigins = [api.url, api.url.replace('127.0.0.1', 'localhost')];
    // On its own worker thread: see worker-host.ts.
    const s3 = await startS3ServerInWorker(
      {
        host: config.local.host,
        port: config.local.s3Port,
        dataDir,
        region: config.region,
        credentials: [LOCAL_CREDENTIALS],
        buckets: [
          {
            name: config.uploadsBucket,
            cors: bucket.cors.map((rule) => ({
              ...rule,
              allowedOrigins: [...rule.allowedOrigins, ...localOrigins],
            })),
            notifications: bucket.notifications.map((n) => ({
              id: `${n.queue}-notification`,
              prefix: n.prefix,
              send: (body: string) => {
                if (faults.drops('s3-notify')) {
                  log.error('s3 notification lost: fault s3-notify:drop', lostEvent(n.queue, body));
                  return;
                }
                queues.send(topo.queues[n.queue].name, body);
              },
            })),
          },
        ],
        // A lost notification is an error an operator must see (with its key), not debug noise.
        log: (entry: Record<string, unknown>) =>
          entry.level === 'error' ? log.error('s3', entry) : log.debug('s3', entry),
      },
      { onCrash: crashed('s3') },
    );
    stops.push(() => s3.close());
    urls.s3 = s3.url;

    if (!config.stripe.secretKey) {
      stripeStandIn = await startStripeStandIn({
        host: config.local.host,
        dataDir,
        webhookSecret,
        webhookUrl: () => `${api.url}/stripe/webhook`,
        log: (message, extra) => log.debug(message, extra),
      });
      const standIn = stripeStandIn;
      stops.push(() => standIn.close());
    }
    const functionConfig: Config = {
      ...config,
      endpoints: { s3: s3.url, dynamodb: dynamo.url, events: api.url, sqs: api.url },
      credentials: LOCAL_CREDENTIALS,
      auth: { ...config.auth, issuer: identity.issuer, jwksUrl: `${api.url}/.well-known/jwks.json` },
      customerAuth: {
        ...config.customerAuth,
        jwksUrl: config.customerAuth.jwksUrl ?? `${api.url}/.well-known/customer-jwks.json`,
        privateJwk: await loadCustomerKey(dataDir),
      },
      booking: { ...config.booking, publicUrl: config.booking.publicUrl ?? api.url },
      stripe: stripeStandIn
        ? { secretKey: stripeStandIn.secretKey, webhookSecret, apiUrl: stripeStandIn.url }
        : { ...config.stripe, webhookSecret },
    };
    const seedClients = createAwsClients(functionConfig);
    await seedJobsTable(seedClients.dynamo, config.tableName);
    seedClients.dynamo.destroy();

    const loaded = new Map<FunctionName, LocalFunction>();
    for (const [name, load] of Object.entries(localFunctions) as Array<
      [FunctionName, NonNullable<(typeof localFunctions)[FunctionName]>]
    >) {
      const fn = await load(functionConfig, topo, { queues });
      loaded.set(name, fn);
      if (fn.http) handlers[name] = withTransientFault(name, fn.http, faults);
    }

    // The queue consumers run on a worker thread of their own (see local/consumers/worker-host.ts).
    // Pushed before the pollers' stop, so it runs after it: no batch is in flight by then.
    const consumers = await startConsumersInWorker({
      config: functionConfig,
      topology: topo,
      faults,
      recordError: (queue, receiptHandle, reason) => queues.recordError(queue, receiptHandle, reason),
      onCrash: crashed('consumers'),
    });
    stops.push(() => consumers.close());
    const pollers: Poller[] = [];
    for (const q of Object.values(topo.queues)) {
      const handler = consumers.handlers[q.consumer.function];
      if (!handler) {
        log.warn('queue has no local consumer yet; messages wait in it', {
          queue: q.name,
          function: q.consumer.function,
        });
        continue;
      }
      pollers.push(
        new Poller({
          store: queues,
          queue: q.name,
          region: config.region,
          handler,
          functionName: q.consumer.function,
          batchSize: q.consumer.batchSize,
          maxBatchingWindowSeconds: q.consumer.maxBatchingWindowSeconds,
          maxConcurrency: q.consumer.maxConcurrency,
          timeoutSeconds: topo.functions[q.consumer.function].timeoutSeconds,
          log: (entry) => log.debug('poller', entry),
        }),
      );
    }
    const unsubscribe = queues.onSend((queue) => {
      for (const p of pollers) if (p.queue === queue) p.nudge();
    });
    if (options.pollers !== false) for (const p of pollers) p.start();
    // Pollers stop before the store closes: in-flight batches finish (or their messages return).
    stops.push(async () => {
      unsubscribe();
      await Promise.all(pollers.map((p) => p.stop()));
    });

    const tasks = new Map<string, ScheduledTask>();
    for (const schedule of topo.schedules) {
      const task = loaded.get(schedule.function)?.scheduled?.[schedule.task];
      if (task) tasks.set(schedule.task, task);
    }
    const scheduler = new Scheduler({ schedules: topo.schedules, tasks, region: config.region, log });
    if (options.schedules !== false) scheduler.start();
    stops.push(() => scheduler.stop());
    ready = true;
    return { urls, dataDir, functionConfig, queues, bus, pollers, scheduler, faults, stripeStandIn, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
}

/** What an operator needs to find a lost event again: the queue it was for and the object key. */
function lostEvent(queue: string, body: string): Record<string, unknown> {
  try {
    const value = JSON.parse(body) as {
      Records?: Array<{ s3?: { bucket?: { name?: string }; object?: { key?: string } } }>;
      'detail-type'?: string;
      detail?: { key?: string; photo_id?: string };
    };
    const s3 = value.Records?.[0]?.s3;
    if (s3) return { queue, bucket: s3.bucket?.name, key: s3.object?.key };
    return {
      queue,
      detail_type: value['detail-type'],
      key: value.detail?.key,
      correlation_id: value.detail?.photo_id,
    };
  } catch {
    return { queue, body: body.slice(0, 500) };
  }
}
