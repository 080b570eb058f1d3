import { join } from 'node:path';
import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import type { FunctionName, QueueId, RouteSpec, Topology } from '../lib/topology/types.ts';
import { BookingSecrets } from './constructs/booking-secrets.ts';
import { Grants } from './constructs/grants.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { PipelineApi } from './constructs/pipeline-api.ts';
import { PipelineBus } from './constructs/pipeline-bus.ts';
import { PipelineFunction, PROJECT_ROOT, runtimeNamed } from './constructs/pipeline-function.ts';
import { PipelineQueue, type QueuePair } from './constructs/pipeline-queues.ts';
import { PipelineTable } from './constructs/pipeline-table.ts';
import { Site } from './constructs/site.ts';
import { StaffIdentity, type StaffIssuer } from './constructs/staff-identity.ts';
import { UploadsStorage } from './constructs/uploads-storage.ts';
import { CUSTOMER_JWKS_PATH } from './env-names.ts';
import { type EnvironmentInputs, functionEnvironment } from './function-environment.ts';
import { type Settings, WEB_BUILD_DIR } from './settings.ts';

/**
 * The API gate is AWS-only (locally every function verifies tokens itself), so its limits live
 * here rather than in the shared topology.
 */
export const AUTHORIZER_SPEC = { timeoutSeconds: 5, memoryMb: 256 } as const;

/** What the stack is built from: the topology, the deployment settings, where the web build is. */
export interface QdnStackProps extends StackProps {
  topology: Topology;
  settings: Settings;
  /** Defaults to `<repo>/dist/web`. */
  webBuildDir?: string;
}

/**
 * The production stack, generated from the same topology the local runtime reads: bucket, queues
 * and DLQs, bus and rules, table, functions with their event sources and schedules, the HTTP API
 * with its gate, the site, secrets, alarms and a dashboard.
 */
export class QdnStack extends Stack {
  /** Every Lambda function by name: the topology's, `authorizer`, and `<function>-<task>` per schedule. */
  readonly functions = new Map<string, PipelineFunction>();
  /** The source queues and DLQs by topology id. */
  readonly queues: Record<QueueId, QueuePair>;
  /** The Cognito user pool, when no staff issuer came from context. */
  readonly identity?: StaffIdentity;

  constructor(scope: Construct, id: string, props: QdnStackProps) {
    super(scope, id, props);
    const { topology: topo, settings } = props;
    const queueIds = Object.keys(topo.queues) as QueueId[];
    this.queues = Object.fromEntries(
      queueIds.map((q) => {
        const spec = topo.queues[q];
        const consumer = topo.functions[spec.consumer.function];
        return [q, new PipelineQueue(this, `Queue-${q}`, { spec, consumer }).pair];
      }),
    ) as Record<QueueId, QueuePair>;
    const sourceQueues = Object.fromEntries(queueIds.map((q) => [q, this.queues[q].queue])) as Record<
      QueueId,
      QueuePair['queue']
    >;

    // Named before the bucket exists, so the site's CSP can name it without depending on it.
    const bucketName = settings.uploadsBucketName ?? `qdn-uploads-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
    const storage = new UploadsStorage(this, 'Storage', {
      spec: topo.buckets.uploads,
      bucketName,
      queues: sourceQueues,
      originalsInfrequentAccessDays: settings.originalsInfrequentAccessDays,
      quarantineExpireDays: settings.quarantineExpireDays,
    });
    const table = new PipelineTable(this, 'Data');
    const bus = new PipelineBus(this, 'Events', {
      name: topo.bus.name,
      rules: topo.bus.rules,
      queues: sourceQueues,
    });
    const secrets = new BookingSecrets(this, 'Secrets');
    let staff: StaffIssuer;
    if (settings.staffIssuer && settings.staffJwksUrl && settings.staffAudience) {
      staff = {
        issuer: settings.staffIssuer,
        jwksUrl: settings.staffJwksUrl,
        audience: settings.staffAudience,
        roleClaim: settings.roleClaim ?? 'qdn_role',
      };
    } else {
      this.identity = new StaffIdentity(this, 'Identity', {
        domainPrefix: settings.staffDomainPrefix ?? defaultDomainPrefix(settings.stackName),
      });
      staff = { ...this.identity.issuer, roleClaim: settings.roleClaim ?? this.identity.issuer.roleClaim };
    }

    // The API comes first so the functions' environment can name its URL (the customer JWKS is
    // served there); the routes refer to the functions, the API resource itself to none.
    const routes = withCustomerJwks(topo.routes);
    const api = new PipelineApi(this, 'Api', {
      allowOrigins: settings.dashboardOrigins,
      methods: [...new Set(routes.map((r) => r.method))],
      rateLimit: settings.apiRateLimit,
      burstLimit: settings.apiBurstLimit,
      logRetentionDays: settings.logRetentionDays,
    });

    const env: EnvironmentInputs = {
      topology: topo,
      bucketName,
      tableName: table.table.tableName,
      busName: bus.bus.eventBusName,
      staff,
      apiUrl: api.url,
      customerIssuer: settings.customerTokenIssuer ?? `${api.url}/customer`,
      queues: Object.fromEntries(
        queueIds.map((q) => {
          const { queue, dlq } = this.queues[q];
          return [
            q,
            { url: queue.queueUrl, arn: queue.queueArn, dlqUrl: dlq.queueUrl, dlqArn: dlq.queueArn },
          ];
        }),
      ) as EnvironmentInputs['queues'],
      secretArns: { stripe: secrets.stripe.secretArn, customerTokenKey: secrets.customerTokenKey.secretArn },
    };
    const grants = new Grants({
      bucket: storage.bucket,
      prefixes: topo.buckets.uploads.prefixes,
      table: table.table,
      indexNames: table.indexNames,
      bus: bus.bus,
      queues: this.queues,
      secrets,
    });
    const runtime = runtimeNamed(topo.lambdaRuntime);
    const make = (
      name: string,
      folder: FunctionName | 'authorizer',
      handlerExport: string,
      limits: { memoryMb: number; timeoutSeconds: number },
    ) => {
      const made = new PipelineFunction(this, `Fn-${name}`, {
        folder,
        handlerExport,
        runtime,
        memoryMb: limits.memoryMb,
        timeoutSeconds: limits.timeoutSeconds,
        environment: functionEnvironment(folder, env),
        logRetentionDays: settings.logRetentionDays,
        description: `QuickDumpNow ${name}`,
      });
      if (folder !== 'authorizer') grants.forFunction(folder, made.role);
      this.functions.set(name, made);
      return made;
    };

    const handlers: Partial<Record<FunctionName, lambda.IFunction>> = {};
    for (const spec of Object.values(topo.functions)) {
      handlers[spec.name] = make(spec.name, spec.name, 'handler', spec).fn;
    }
    for (const q of queueIds) {
      const { spec, queue } = this.queues[q];
      handlers[spec.consumer.function]?.addEventSource(
        new SqsEventSource(queue, {
          batchSize: spec.consumer.batchSize,
          maxBatchingWindow: Duration.seconds(spec.consumer.maxBatchingWindowSeconds),
          maxConcurrency: spec.consumer.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
    }
    // A schedule is its own function (same entry, its own export) with the grants of its function.
    for (const s of topo.schedules) {
      const fn = make(`${s.function}-${s.task}`, s.function, s.handlerExport, topo.functions[s.function]);
      new events.Rule(this, `Schedule-${s.task}`, {
        description: `Runs ${s.function}'s ${s.handlerExport} every ${s.everyMinutes} min`,
        schedule: events.Schedule.rate(Duration.minutes(s.everyMinutes)),
        targets: [new targets.LambdaFunction(fn.fn, { retryAttempts: 2 })],
      });
    }
    const gate = make('authorizer', 'authorizer', 'handler', AUTHORIZER_SPEC);
    api.addTopologyRoutes(routes, handlers, gate.fn);

    const site = new Site(this, 'Site', {
      buildDir: props.webBuildDir ?? join(PROJECT_ROOT, WEB_BUILD_DIR),
      apiDomain: `${api.api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`,
      routes,
      uploadsOrigin: `https://${bucketName}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`,
      logBucket: storage.logBucket,
      domainName: settings.siteDomainName,
      certificateArn: settings.siteCertificateArn,
      signIn: this.identity?.hostedSignIn,
    });
    this.identity?.allowRedirects(...site.signInRedirects);
    storage.allowOrigin(site.url);
    // Booking's links (the tracking page, Checkout's success and cancel URLs) point at the site.
    for (const [name, f] of this.functions) {
      if (name === 'booking' || name.startsWith('booking-')) f.fn.addEnvironment('QDN_PUBLIC_URL', site.url);
    }

    new Monitoring(this, 'Monitoring', {
      queues: queueIds.map((q) => this.queues[q]),
      functions: [...this.functions].map(([name, f]) => ({
        name,
        fn: f.fn,
        logGroup: f.logGroup,
        // The gate refuses a bad token by throwing (API Gateway's 401): errors there are callers'.
        alarmOnErrors: name !== 'authorizer',
      })),
      api: api.api,
      oldestMessageSeconds: settings.oldestMessageAlarmSeconds,
      email: settings.alarmEmail,
    });

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('ApiUrl', api.url, 'QDN_API_URL for the qdn CLI');
    output('SiteUrl', site.url, 'Dashboard /, tracking /track/{job_id}, booking /book, ops /ops');
    output('UploadsBucketName', storage.bucket.bucketName, 'Photos, originals, thumbnails, quarantine');
    output(
      'StripeWebhookUrl',
      `${api.url}/stripe/webhook`,
      'Stripe webhook endpoint (checkout.session.completed)',
    );
    output('StripeSecretArn', secrets.stripe.secretArn, 'Put {"secret_key","webhook_secret"} here');
    output('CustomerTokenSecretArn', secrets.customerTokenKey.secretArn, 'Put the ES256 private JWK here');
    output('StaffIssuer', staff.issuer, 'Issuer of staff tokens');
    output('StaffAudience', staff.audience, 'Audience of staff tokens (the Cognito app client id)');
    if (this.identity)
      output('StaffUserPoolId', this.identity.userPool.userPoolId, 'Create staff users here');
  }
}

/** The topology's routes plus booking's public customer-token keys, unless the topology has them. */
function withCustomerJwks(routes: RouteSpec[]): RouteSpec[] {
  if (routes.some((r) => r.path === CUSTOMER_JWKS_PATH)) return [...routes];
  return [...routes, { method: 'GET', path: CUSTOMER_JWKS_PATH, function: 'booking', auth: 'public' }];
}

/** `<stack name>-staff-<account>`: Cognito domain prefixes are unique per region across accounts. */
function defaultDomainPrefix(stackName: string): string {
  const base = stackName
    .toLowerCase()
    .replace(/aws|amazon|cognito/g, '')
    .replace(/[^a-z0-9-]/g, '')
    .slice(0, 30);
  return `${base || 'qdn'}-staff-${Aws.ACCOUNT_ID}`;
}
