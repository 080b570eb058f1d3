import { createSqsClient } from '../../lib/aws/sqs-client.ts';
import { loadConfig } from '../../lib/config/config.ts';
import { SqsQueueAdmin } from '../../lib/ops/sqs-queue-admin.ts';
import { createOpsHandler } from './app.ts';

const config = loadConfig(process.env);
const ops = createOpsHandler(config, { queueAdmin: new SqsQueueAdmin(createSqsClient(config)) });

/** Lambda entry for the ops routes (admins only). */
export const handler = ops.http;

/** Lambda entry for the `reconcile` schedule. */
export const reconcileHandler = ops.reconcile;
