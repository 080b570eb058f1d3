import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config/config.ts';

/** The AWS SDK v3 clients the functions use, built once per process from config. */
export interface AwsClients {
  s3: S3Client;
  dynamo: DynamoDBDocumentClient;
  events: EventBridgeClient;
}

/**
 * Builds the clients. On AWS the SDK resolves endpoints and credentials itself; locally the
 * config carries the embedded endpoints and the static credentials the local S3 accepts.
 */
export function createAwsClients(config: Config): AwsClients {
  const common = {
    region: config.region,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // Retries live in the queue (visibility timeout, DLQ); keep the in-process ones short.
    maxAttempts: 3,
  };
  const s3 = new S3Client({
    ...common,
    ...(config.endpoints.s3 ? { endpoint: config.endpoints.s3, forcePathStyle: true } : {}),
  });
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      ...common,
      ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}),
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const events = new EventBridgeClient({
    ...common,
    ...(config.endpoints.events ? { endpoint: config.endpoints.events } : {}),
  });
  return { s3, dynamo, events };
}
