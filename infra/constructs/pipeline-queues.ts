import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionSpec, QueueSpec } from '../../lib/topology/types.ts';

/** A source queue and its dead-letter queue. */
export interface QueuePair {
  spec: QueueSpec;
  queue: sqs.Queue;
  dlq: sqs.Queue;
}

/**
 * One topology queue with its DLQ: `maxReceiveCount` and retentions from the topology, SSE, TLS
 * only. Refuses a topology whose visibility timeout is under 6 × the consumer's timeout or whose
 * DLQ keeps messages no longer than the source (a redrive would race the DLQ's expiry).
 */
export class PipelineQueue extends Construct {
  /** The queue, its DLQ and the spec they came from. */
  readonly pair: QueuePair;

  constructor(scope: Construct, id: string, props: { spec: QueueSpec; consumer: FunctionSpec }) {
    super(scope, id);
    const { spec, consumer } = props;
    if (spec.visibilityTimeoutSeconds < 6 * consumer.timeoutSeconds) {
      throw new Error(
        `Expected queue ${spec.name} visibility ≥ 6 × ${consumer.name} timeout (${6 * consumer.timeoutSeconds} s) but received ${spec.visibilityTimeoutSeconds} s`,
      );
    }
    if (spec.dlqRetentionSeconds <= spec.retentionSeconds) {
      throw new Error(
        `Expected DLQ ${spec.dlqName} retention above ${spec.retentionSeconds} s but received ${spec.dlqRetentionSeconds} s`,
      );
    }
    const dlq = new sqs.Queue(this, 'DeadLetters', {
      queueName: spec.dlqName,
      retentionPeriod: Duration.seconds(spec.dlqRetentionSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const queue = new sqs.Queue(this, 'Queue', {
      queueName: spec.name,
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(spec.retentionSeconds),
      deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.pair = { spec, queue, dlq };
  }
}
