import { join } from 'node:path';
import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import type { FunctionName, QueueId, Topology } from '../lib/topology/types.ts';
import { BookingSecrets } from './constructs/booking-secrets.ts';
import { Grants } from './constructs/grants.ts';
import { Monitoring, type WatchedFunction } from './constructs/monitoring.ts';
import { PipelineApi } from './constructs/pipeline-api.ts';
import { PipelineBus } from './constructs/pipeline-bus.ts';
import { PipelineFunction, PROJECT_ROOT, runtimeNamed } from './constructs/pipeline-function.ts';
import { PipelineQueue, type QueuePair } from './constructs/pipeline-queues.ts';
import { PipelineTable } from './constructs/pipeline-table.ts';
import { Site } from './constructs/site.ts';
import { StaffIdentity, type StaffIssuer } from './constructs/staff-identity.ts';
import { UploadsStorage } from './constructs/uploads-storage.ts';
import { CUSTOMER_JWKS_PATH, customerTokenEnvNames, queueEnvNames, secretEnvNames } from './env-names.ts';
import { type Settings, WEB_BUILD_DIR } from './settings.ts';

/**
 * The API gate is AWS-only (locally every function verifies tokens itself), so its limits live
 * here rather than in the shared topology.
 */
export const AUTHORIZER_SPEC = { name: 'authorizer', timeoutSeconds: 5, memoryMb: 256 } as const;

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
  /** Every Lambda function by its construct name (topology name, `authorizer`, `<fn>-<task>`). */
  readonly functions = new Map<string, PipelineFunction>();
  /** The source queues and DLQs by topology id. */
  readonly queues: Record<QueueId, QueuePair>;

  constructor(scope: Construct, id: string, props: QdnStackProps) {
    super(scope, id, props);
    const { topology: topo, settings } = props;
    const runtime = runtimeNamed(topo.lambdaRuntime);

    const queueIds = Object.keys(topo.queues) as QueueId[];
    this.queues = Object.fromEntries(
      queueIds.map((q) => {
        const spec = topo.queues[q];
        const made = new PipelineQueue(this, `Queue-${q}`, {
          spec,
          consumer: topo.functions[spec.consumer.function],
        });
        return [q, made.pair];
      }),
    ) as Record<QueueId, QueuePair>;
    const sourceQueues = Object.fromEntries(queueIds.map((q) => [q, this.queues[q].queue])) as Record<
      QueueId,
      QueuePair['queue']
    >;

    const bucketName = settings.uploadsBucketName ?? `qdn-uploads-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
    const uploadsOrigin = `https://${bucketName}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    const table = new PipelineTable(this, 'Data');
    const bus = new PipelineBus(this, 'Events', {
      name: topo.bus.name,
      rules: topo.bus.rules,
      queues: sourceQueues,
    });
    const secrets = new BookingSecrets(this, 'Secrets');
    const staff = this.staffIssuer(settings);

    // The API exists before its functions so their environment can name its URL (the customer
    // JWKS lives on it); routes are added after, so nothing in the API refers back to a function.
    const routes = [...topo.routes];
    if (!routes.some((r) => r.path === CUSTOMER_JWKS_PATH)) {
      routes.push({ method: 'GET', path: CUSTOMER_JWKS_PATH, function: 'booking', auth: 'public' });
    }
    const api = new PipelineApi(this, 'Api', {
      allowOrigins: settings.dashboardOrigins,
      methods: [...new Set(routes.map((r) => r.method))],
      rateLimit: settings.apiRateLimit,
      burstLimit: settings.apiBurstLimit,
      logRetentionDays: settings.logRetentionDays,
    });
    const apiUrl = api.url;
    const customerIssuer = settings.customerTokenIssuer ?? `${apiUrl}/customer`;

    const common: Record<string, string> = {
      QDN_RUNTIME: 'aws',
      QDN_UPLOADS_BUCKET: bucketName,
      QDN_TABLE_NAME: table.table.tableName,
      QDN_EVENT_BUS_NAME: bus.bus.eventBusName,
      QDN_JWT_ISSUER: staff.issuer,
      QDN_JWKS_URL: staff.jwksUrl,
      QDN_JWT_AUDIENCE: staff.audience,
      QDN_ROLE_CLAIM: staff.roleClaim,
      [customerTokenEnvNames.issuer]: customerIssuer,
      [customerTokenEnvNames.jwksUrl]: `${apiUrl}${CUSTOMER_JWKS_PATH}`,
    };
    const queueEnv = (ids: QueueId[]) =>
      Object.fromEntries(
        ids.flatMap((q) => {
          const names = queueEnvNames[q];
          const { queue, dlq } = this.queues[q];
          return [
            [names.url, queue.queueUrl],
            [names.arn, queue.queueArn],
            [names.dlqUrl, dlq.queueUrl],
            [names.dlqArn, dlq.queueArn],
          ];
        }),
      );
    const extraEnv: Partial<Record<FunctionName, Record<string, string>>> = {
      booking: {
        [secretEnvNames.stripe]: secrets.stripe.secretArn,
        [secretEnvNames.customerTokenKey]: secrets.customerTokenKey.secretArn,
      },
      ops: queueEnv(queueIds),
    };
    for (const q of queueIds) {
      const consumer = topo.queues[q].consumer.function;
      extraEnv[consumer] = { ...extraEnv[consumer], ...queueEnv([q]) };
    }

    const storage = new UploadsStorage(this, 'Storage', {
      spec: topo.buckets.uploads,
      bucketName,
      queues: sourceQueues,
      originalsInfrequentAccessDays: settings.originalsInfrequentAccessDays,
      quarantineExpireDays: settings.quarantineExpireDays,
    });
    const grants = new Grants({
      bucket: storage.bucket,
      prefixes: topo.buckets.uploads.prefixes,
      table: table.table,
      indexNames: table.indexNames,
      bus: bus.bus,
      queues: this.queues,
      secrets,
    });
    const make = (name: string, folder: FunctionName | 'authorizer', handlerExport: string, spec: Limits) => {
      const made = new PipelineFunction(this, `Fn-${name}`, {
        folder,
        handlerExport,
        runtime,
        memoryMb: spec.memoryMb,
        timeoutSeconds: spec.timeoutSeconds,
        environment: {
          ...common,
          ...(folder === 'authorizer' ? {} : extraEnv[folder]),
          ...(folder === 'authorizer' ? {} : topo.functions[folder].environment),
        },
        logRetentionDays: settings.logRetentionDays,
        description: `QuickDumpNow ${name}`,
      });
      this.functions.set(name, made);
      return made;
    };

    const byName = new Map<FunctionName, PipelineFunction>();
    for (const spec of Object.values(topo.functions))
      byName.set(spec.name, make(spec.name, spec.name, 'handler', spec));
    const gate = make('authorizer', 'authorizer', 'handler', AUTHORIZER_SPEC);
    const scheduled: Array<{ fn: PipelineFunction; of: FunctionName }> = [];
    for (const s of topo.schedules) {
      const fn = make(`${s.function}-${s.task}`, s.function, s.handlerExport, topo.functions[s.function]);
      new events.Rule(this, `Schedule-${s.task}`, {
        description: `Runs ${s.function}'s ${s.handlerExport} every ${s.everyMinutes} min`,
        schedule: events.Schedule.rate(Duration.minutes(s.everyMinutes)),
        targets: [new targets.LambdaFunction(fn.fn, { retryAttempts: 2 })],
      });
      scheduled.push({ fn, of: s.function });
    }

    const grantFor = (of: FunctionName, role: iam.Role) => {
      if (of === 'presign') grants.presign(role);
      else if (of === 'on-upload') grants.onUpload(role, this.queues.uploads.queue);
      else if (of === 'thumbnail') grants.thumbnail(role, this.queues.thumbnails.queue);
      else if (of === 'booking') grants.booking(role);
      else if (of === 'ops') grants.ops(role);
    };
    for (const [name, fn] of byName) grantFor(name, fn.role);
    for (const { fn, of } of scheduled) grantFor(of, fn.role);

    for (const q of queueIds) {
      const { spec, queue } = this.queues[q];
      const consumer = byName.get(spec.consumer.function) as PipelineFunction;
      consumer.fn.addEventSource(
        new SqsEventSource(queue, {
          batchSize: spec.consumer.batchSize,
          maxBatchingWindow: Duration.seconds(spec.consumer.maxBatchingWindowSeconds),
          maxConcurrency: spec.consumer.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
    }

    const handlers: Partial<Record<FunctionName, lambda.IFunction>> = {};
    for (const [name, fn] of byName) handlers[name] = fn.fn;
    api.addTopologyRoutes(routes, handlers, gate.fn);

    const site = new Site(this, 'Site', {
      buildDir: props.webBuildDir ?? join(PROJECT_ROOT, WEB_BUILD_DIR),
      apiDomain: `${api.api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`,
      routes,
      uploadsOrigin,
      logBucket: storage.logBucket,
      domainName: settings.siteDomainName,
      certificateArn: settings.siteCertificateArn,
    });
    storage.allowOrigin(site.url);

    const watched: WatchedFunction[] = [...this.functions].map(([name, f]) => ({
      name,
      fn: f.fn,
      logGroup: f.logGroup,
      alarmOnErrors: name !== 'authorizer',
    }));
    new Monitoring(this, 'Monitoring', {
      queues: queueIds.map((q) => this.queues[q]),
      functions: watched,
      oldestMessageSeconds: settings.oldestMessageAlarmSeconds,
      email: settings.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: apiUrl, description: 'QDN_API_URL for the qdn CLI' });
    new CfnOutput(this, 'SiteUrl', {
      value: site.url,
      description: 'The dashboard, tracking, booking and ops pages',
    });
    new CfnOutput(this, 'UploadsBucketName', { value: storage.bucket.bucketName });
    new CfnOutput(this, 'StripeSecretArn', { value: secrets.stripe.secretArn });
    new CfnOutput(this, 'CustomerTokenSecretArn', { value: secrets.customerTokenKey.secretArn });
    new CfnOutput(this, 'StripeWebhookUrl', { value: `${apiUrl}/stripe/webhook` });
    new CfnOutput(this, 'StaffIssuer', { value: staff.issuer });
    new CfnOutput(this, 'StaffAudience', { value: staff.audience });
    if (this.identity) new CfnOutput(this, 'StaffUserPoolId', { value: this.identity.userPool.userPoolId });
  }

  /** The Cognito user pool, when the stack made one (no issuer in context). */
  identity?: StaffIdentity;

  private staffIssuer(settings: Settings): StaffIssuer {
    if (settings.staffIssuer && settings.staffJwksUrl && settings.staffAudience) {
      return {
        issuer: settings.staffIssuer,
        jwksUrl: settings.staffJwksUrl,
        audience: settings.staffAudience,
        roleClaim: settings.roleClaim ?? 'qdn_role',
      };
    }
    this.identity = new StaffIdentity(this, 'Identity');
    return { ...this.identity.issuer, roleClaim: settings.roleClaim ?? this.identity.issuer.roleClaim };
  }
}

interface Limits {
  memoryMb: number;
  timeoutSeconds: number;
}
