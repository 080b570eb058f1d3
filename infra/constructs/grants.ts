import { Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { BucketSpec, FunctionName, QueueId } from '../../lib/topology/types.ts';

/** Item-level DynamoDB actions the repositories use; never Scan (counts come from kept counters). */
export const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:ConditionCheckItem',
];

/** What the grants are made on. */
export interface GrantTargets {
  bucket: s3.IBucket;
  prefixes: BucketSpec['prefixes'];
  table: dynamodb.ITableV2;
  indexNames: string[];
  bus: events.IEventBus;
  queues: Record<QueueId, { queue: sqs.IQueue; dlq: sqs.IQueue }>;
  secrets: { stripe: secretsmanager.ISecret; customerTokenKey: secretsmanager.ISecret };
}

/**
 * Least privilege, written out: each function gets exact actions on exact resources. Object ARNs
 * end in `<prefix>*` (S3 has no other way to name "the objects under a prefix"); those findings
 * are acknowledged on the one role they belong to, naming the prefix.
 */
export class Grants {
  constructor(private readonly t: GrantTargets) {}

  /**
   * The grants of a topology function. A function added to the topology fails to compile here
   * until someone decides what it may touch: no function runs with a guessed policy.
   */
  forFunction(name: FunctionName, role: iam.Role): void {
    const byName: Record<FunctionName, () => void> = {
      presign: () => this.presign(role),
      'on-upload': () => this.onUpload(role, this.t.queues.uploads.queue),
      thumbnail: () => this.thumbnail(role, this.t.queues.thumbnails.queue),
      booking: () => this.booking(role),
      ops: () => this.ops(role),
    };
    byName[name]();
  }

  /** presign: signs POSTs for `photos/*`, GETs for `thumbs/*` and (admin route) `originals/*`. */
  presign(role: iam.Role): void {
    this.table(role);
    this.objects(role, ['s3:PutObject'], ['photos']);
    this.objects(role, ['s3:GetObject'], ['thumbs', 'originals']);
  }

  /** on-upload: reads and moves `photos/*` to `originals/*` or `quarantine/*`, emits, backs off. */
  onUpload(role: iam.Role, queue: sqs.IQueue): void {
    this.table(role);
    this.objects(role, ['s3:GetObject', 's3:DeleteObject'], ['photos']);
    this.objects(role, ['s3:PutObject'], ['originals', 'quarantine']);
    // A retried accept HEADs the original it may already have copied (same bytes: done).
    this.objects(role, ['s3:GetObject'], ['originals']);
    this.listForNotFound(role);
    this.putEvents(role);
    this.backoff(role, queue);
  }

  /** thumbnail: reads originals (and `photos/*` until every original has moved), writes `thumbs/*`. */
  thumbnail(role: iam.Role, queue: sqs.IQueue): void {
    this.table(role);
    this.objects(role, ['s3:GetObject'], ['originals', 'photos']);
    this.objects(role, ['s3:PutObject'], ['thumbs']);
    // A rejected original is set aside by thumbnail too (full decode fails).
    this.objects(role, ['s3:PutObject'], ['quarantine']);
    this.objects(role, ['s3:DeleteObject'], ['originals', 'photos']);
    this.listForNotFound(role);
    this.putEvents(role);
    this.backoff(role, queue);
  }

  /** booking: the table, its events, its two secrets, and GETs for its quote photos' thumbnails. */
  booking(role: iam.Role): void {
    this.table(role);
    this.putEvents(role);
    this.objects(role, ['s3:GetObject'], ['thumbs']);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.t.secrets.stripe.secretArn, this.t.secrets.customerTokenKey.secretArn],
      }),
    );
  }

  /** ops: queue and DLQ status, peek, redrive, re-enqueue, re-emit, and reading the bucket's keys. */
  ops(role: iam.Role): void {
    this.table(role);
    const all = Object.values(this.t.queues).flatMap(({ queue, dlq }) => [queue.queueArn, dlq.queueArn]);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:StartMessageMoveTask',
          'sqs:ListMessageMoveTasks',
        ],
        resources: all,
      }),
    );
    // A redrive moves DLQ messages back: the move task deletes from the DLQ and sends to the source.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:DeleteMessage'],
        resources: Object.values(this.t.queues).map(({ dlq }) => dlq.queueArn),
      }),
    );
    // Reconcile re-enqueues into uploads; a redrive's move task sends into each source queue.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: Object.values(this.t.queues).map(({ queue }) => queue.queueArn),
      }),
    );
    // Reconcile lists `photos/` and HEADs records' objects: a gone object must answer 404, not 403.
    this.listForNotFound(role);
    // Reconcile re-emits photo.received for a received photo whose event was lost.
    this.putEvents(role);
    this.objects(role, ['s3:GetObject'], ['photos', 'originals']);
  }

  private table(role: iam.Role): void {
    const { table, indexNames } = this.t;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: TABLE_ACTIONS,
        resources: [table.tableArn, ...indexNames.map((name) => `${table.tableArn}/index/${name}`)],
      }),
    );
  }

  private putEvents(role: iam.Role): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [this.t.bus.eventBusArn] }),
    );
  }

  /** The record's retry backoff: `ChangeMessageVisibility` on the receipt handle of its own queue. */
  private backoff(role: iam.Role, queue: sqs.IQueue): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:ChangeMessageVisibility'], resources: [queue.queueArn] }),
    );
  }

  /**
   * Without `s3:ListBucket` S3 answers 403 instead of 404 for a missing key, and the `missing`
   * verdict could not tell a deleted upload from a refused read.
   */
  private listForNotFound(role: iam.Role): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.t.bucket.bucketArn] }),
    );
  }

  private objects(role: iam.Role, actions: string[], prefixes: Array<keyof BucketSpec['prefixes']>): void {
    const resources = prefixes.map((p) => this.t.bucket.arnForObjects(`${this.t.prefixes[p]}*`));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
    const bucketId = Stack.of(role).resolve((this.t.bucket.node.defaultChild as s3.CfnBucket).logicalId);
    for (const p of prefixes) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${this.t.prefixes[p]}*]`,
        reason: `Object ARNs under ${this.t.prefixes[p]}: the keys are built per photo at run time; the prefix is the narrowest fixed scope.`,
      });
    }
  }
}
