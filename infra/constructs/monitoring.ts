import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { QueuePair } from './pipeline-queues.ts';

/** The metric namespace of the photo outcomes read from the functions' verdict log lines. */
export const OUTCOME_NAMESPACE = 'QuickDumpNow/Photos';

/**
 * Photo outcomes as metric filters on the functions' structured logs: the `message` of the
 * verdict line and `outcome = recorded` (a duplicate delivery logs `duplicate` and is not counted).
 */
export const OUTCOME_FILTERS: Array<{ metric: string; function: string; message: string }> = [
  { metric: 'Received', function: 'on-upload', message: 'photo received' },
  { metric: 'Rejected', function: 'on-upload', message: 'photo rejected' },
  { metric: 'Missing', function: 'on-upload', message: 'object missing' },
  { metric: 'Ready', function: 'thumbnail', message: 'photo ready' },
  { metric: 'Rejected', function: 'thumbnail', message: 'photo rejected by full decode' },
  { metric: 'Missing', function: 'thumbnail', message: 'original missing' },
];

/** A function to watch, by the name the dashboard shows. */
export interface WatchedFunction {
  name: string;
  fn: lambda.Function;
  logGroup: logs.ILogGroup;
  /** False for the API gate, whose refusals of bad tokens count as Lambda errors by design. */
  alarmOnErrors: boolean;
}

/**
 * Alarms to one encrypted SNS topic (a DLQ holding anything, the oldest message of a queue too
 * old, a function's errors or throttles) and one dashboard of queue and DLQ depth, stage
 * latencies and photo outcomes.
 */
export class Monitoring extends Construct {
  /** Where every alarm goes; subscribe people or a pager to it. */
  readonly topic: sns.Topic;
  /** Every alarm, for tests and for outputs. */
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(
    scope: Construct,
    id: string,
    props: {
      queues: QueuePair[];
      functions: WatchedFunction[];
      api: apigw.HttpApi;
      oldestMessageSeconds: number;
      email?: string;
    },
  ) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the QuickDumpNow alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch publishes to an encrypted topic only if the key lets it.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Alarms', {
      masterKey: key,
      enforceSSL: true,
      displayName: 'QuickDumpNow alarms',
    });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    const notify = new actions.SnsAction(this.topic);
    const alarm = (id: string, a: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, id, a);
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };

    for (const { spec, queue, dlq } of props.queues) {
      alarm(`${spec.id}-dlq-not-empty`, {
        alarmDescription: `${spec.dlqName} holds messages: photos failed; see GET /ops/dlq/${spec.id}, then redrive.`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${spec.id}-oldest-message`, {
        alarmDescription: `${spec.name}: the oldest message waits longer than ${props.oldestMessageSeconds} s.`,
        metric: queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: props.oldestMessageSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    for (const w of props.functions) {
      if (w.alarmOnErrors) {
        alarm(`${w.name}-errors`, {
          alarmDescription: `${w.name}: invocations failed (a thrown batch or an unhandled error).`,
          metric: w.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      }
      alarm(`${w.name}-throttles`, {
        alarmDescription: `${w.name}: invocations were throttled.`,
        metric: w.fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    // The functions answer 500 only for what they did not expect: each one is worth a look.
    alarm('api-5xx', {
      alarmDescription: 'The API answered 5xx (an unexpected error in a function or the gate).',
      metric: props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const outcomes = this.outcomeMetrics(props.functions);
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Queue depth (visible)',
        left: props.queues.map(({ queue }) => queue.metricApproximateNumberOfMessagesVisible()),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'DLQ depth',
        left: props.queues.map(({ dlq }) => dlq.metricApproximateNumberOfMessagesVisible()),
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Upload → ready: time waiting in each queue (max, s)',
        left: props.queues.map(({ queue }) =>
          queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum' }),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Upload → ready: time in each stage (p95, ms)',
        left: props.functions
          .filter((w) => w.name === 'on-upload' || w.name === 'thumbnail')
          .map((w) => w.fn.metricDuration({ statistic: 'p95', label: w.name })),
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Photo outcomes', left: outcomes, width: 8, stacked: true }),
      new cloudwatch.GraphWidget({
        title: 'API 4xx / 5xx',
        left: [props.api.metricClientError(), props.api.metricServerError()],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function errors and throttles',
        left: props.functions.map((w) => w.fn.metricErrors({ label: `${w.name} errors` })),
        right: props.functions.map((w) => w.fn.metricThrottles({ label: `${w.name} throttles` })),
        width: 8,
      }),
    );
  }

  private outcomeMetrics(functions: WatchedFunction[]): cloudwatch.IMetric[] {
    const byName = new Map(functions.map((w) => [w.name, w]));
    const metrics = new Map<string, cloudwatch.IMetric>();
    for (const f of OUTCOME_FILTERS) {
      const watched = byName.get(f.function);
      if (!watched) continue;
      new logs.MetricFilter(this, `outcome-${f.function}-${f.metric}`, {
        logGroup: watched.logGroup,
        metricNamespace: OUTCOME_NAMESPACE,
        metricName: f.metric,
        filterPattern: logs.FilterPattern.all(
          logs.FilterPattern.stringValue('$.message', '=', f.message),
          logs.FilterPattern.stringValue('$.outcome', '=', 'recorded'),
        ),
        metricValue: '1',
        defaultValue: 0,
      });
      metrics.set(
        f.metric,
        new cloudwatch.Metric({
          namespace: OUTCOME_NAMESPACE,
          metricName: f.metric,
          statistic: 'Sum',
          label: f.metric,
        }),
      );
    }
    return [...metrics.values()];
  }
}
