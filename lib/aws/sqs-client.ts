import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config/config.ts';

/**
 * The SQS client of a function, from config: on AWS the SDK resolves endpoint and credentials;
 * locally the runtime's own SQS endpoint (the subset its queues serve) with the static credentials.
 */
export function createSqsClient(config: Config): SQSClient {
  return new SQSClient({
    region: config.region,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    ...(config.endpoints.sqs ? { endpoint: config.endpoints.sqs } : {}),
    maxAttempts: 3,
  });
}
