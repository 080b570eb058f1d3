import type { SQSRecord } from 'aws-lambda';
import type { AwsClients } from '../aws/clients.ts';
import { createSqsClient } from '../aws/sqs-client.ts';
import type { Config } from '../config/config.ts';
import { FailureRecords } from '../repo/failures.ts';
import { topology } from '../topology/topology.ts';
import type { QueueId } from '../topology/types.ts';
import type { FailurePolicy } from './batch-handler.ts';

/** What a consumer's factory lets tests and the local runtime change about its failure policy. */
export interface FailurePolicyOverrides {
  /** The queue's maxReceiveCount, when the runtime uses another topology (tests). */
  maxReceiveCount?: number;
  /** The queue's retry backoff, when the runtime uses another topology (tests). */
  backoffSeconds?: readonly number[];
  /** Runs before each record: the local runtime's fault injection. */
  beforeRecord?: (record: SQSRecord) => void;
  /** Told each failure's reason: the local runtime keeps it as the message's last error. */
  onFailure?: (record: SQSRecord, reason: string) => void;
}

/**
 * The failure policy of the consumer of topology queue `queue`: its maxReceiveCount and backoff
 * (unless overridden), visibility changed through SQS, reasons kept as failure records for as
 * long as its DLQ keeps messages, and the stage's own give-up step.
 */
export function queueFailurePolicy(
  queue: QueueId,
  config: Config,
  clients: AwsClients,
  overrides: FailurePolicyOverrides,
  onGiveUp: NonNullable<FailurePolicy['onGiveUp']>,
): FailurePolicy {
  const spec = topology.queues[queue];
  return {
    maxReceiveCount: overrides.maxReceiveCount ?? spec.maxReceiveCount,
    backoffSeconds: overrides.backoffSeconds ?? spec.retryBackoffSeconds,
    sqs: { client: createSqsClient(config), endpoint: config.endpoints.sqs },
    failures: new FailureRecords(clients.dynamo, config.tableName, spec.dlqRetentionSeconds),
    onGiveUp,
    ...(overrides.beforeRecord ? { beforeRecord: overrides.beforeRecord } : {}),
    ...(overrides.onFailure ? { onFailure: overrides.onFailure } : {}),
  };
}
