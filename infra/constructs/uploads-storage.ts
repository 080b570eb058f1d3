import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BucketSpec, QueueId } from '../../lib/topology/types.ts';

/** What the uploads bucket is built from. */
export interface UploadsStorageProps {
  spec: BucketSpec;
  bucketName: string;
  queues: Record<QueueId, sqs.IQueue>;
  originalsInfrequentAccessDays: number;
  quarantineExpireDays: number;
}

/**
 * The uploads bucket and the bucket its access logs go to: no public access, TLS only, SSE-S3,
 * CORS from the topology, lifecycle by prefix, and ObjectCreated notifications for the topology's
 * prefixes only (so writes under `thumbs/` or `originals/` never start the pipeline again).
 */
export class UploadsStorage extends Construct {
  /** The uploads bucket (`photos/`, `originals/`, `thumbs/`, `quarantine/`). */
  readonly bucket: s3.Bucket;
  /** Server access logs of every bucket in the stack. */
  readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: UploadsStorageProps) {
    super(scope, id);
    const { spec } = props;
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { expiration: Duration.days(365), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging its own writes would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Uploads', {
      bucketName: props.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'uploads/',
      cors: spec.cors.map((rule) => ({
        allowedOrigins: rule.allowedOrigins,
        allowedMethods: rule.allowedMethods.map((m) => m as s3.HttpMethods),
        allowedHeaders: rule.allowedHeaders,
        exposedHeaders: rule.exposedHeaders,
        maxAge: rule.maxAgeSeconds,
      })),
      lifecycleRules: [
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        {
          id: 'expire-quarantine',
          prefix: spec.prefixes.quarantine,
          expiration: Duration.days(props.quarantineExpireDays),
        },
        {
          id: 'originals-to-infrequent-access',
          prefix: spec.prefixes.originals,
          transitions: [
            {
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(props.originalsInfrequentAccessDays),
            },
          ],
        },
      ],
      // Photos are evidence: deleting the stack must not delete them.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const n of spec.notifications) {
      for (const event of n.events) {
        this.bucket.addEventNotification(
          event as s3.EventType,
          new s3n.SqsDestination(props.queues[n.queue]),
          {
            prefix: n.prefix,
          },
        );
      }
    }
    acknowledgeNotificationsHandler(Stack.of(this));
    this.spec = spec;
  }

  private readonly spec: BucketSpec;

  /** Lets another origin (the site's CloudFront URL) use the topology's CORS rules too. */
  allowOrigin(origin: string): void {
    for (const rule of this.spec.cors) {
      this.bucket.addCorsRule({
        allowedOrigins: [origin],
        allowedMethods: rule.allowedMethods.map((m) => m as s3.HttpMethods),
        allowedHeaders: rule.allowedHeaders,
        exposedHeaders: rule.exposedHeaders,
        maxAge: rule.maxAgeSeconds,
      });
    }
  }
}

/**
 * CDK configures notifications through one custom-resource function per stack; it needs
 * `s3:PutBucketNotification` on a bucket known only at deploy time and the basic execution role.
 */
function acknowledgeNotificationsHandler(stack: Stack): void {
  const handler = stack.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
  if (!handler) return;
  Validations.of(handler).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'CDK-provided notifications custom resource: it only writes its own logs with this policy.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CDK-provided notifications custom resource: PutBucketNotification is scoped by the request; CDK does not let it be narrowed.',
    },
  );
}
