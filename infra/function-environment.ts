import type { FunctionName, QueueId, Topology } from '../lib/topology/types.ts';
import type { StaffIssuer } from './constructs/staff-identity.ts';
import { CUSTOMER_JWKS_PATH, customerTokenEnvNames, queueEnvNames, secretEnvNames } from './env-names.ts';

/** The addresses of one queue pair, as the functions receive them. */
export interface QueueAddresses {
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

/** What the environments are made of (CloudFormation tokens or plain strings). */
export interface EnvironmentInputs {
  topology: Topology;
  bucketName: string;
  tableName: string;
  busName: string;
  staff: StaffIssuer;
  /** The API's base URL: the customer JWKS is served there. */
  apiUrl: string;
  customerIssuer: string;
  queues: Record<QueueId, QueueAddresses>;
  secretArns: { stripe: string; customerTokenKey: string };
}

/**
 * The environment of one function: what `lib/config` reads on AWS (runtime, bucket, table, bus,
 * both token issuers), the topology's own variables, and per function what only it needs —
 * booking its secrets' ARNs (never the values), ops every queue and DLQ, a consumer its queue.
 */
export function functionEnvironment(
  fn: FunctionName | 'authorizer',
  i: EnvironmentInputs,
): Record<string, string> {
  const common: Record<string, string> = {
    QDN_RUNTIME: 'aws',
    QDN_UPLOADS_BUCKET: i.bucketName,
    QDN_TABLE_NAME: i.tableName,
    QDN_EVENT_BUS_NAME: i.busName,
    QDN_JWT_ISSUER: i.staff.issuer,
    QDN_JWKS_URL: i.staff.jwksUrl,
    QDN_JWT_AUDIENCE: i.staff.audience,
    QDN_ROLE_CLAIM: i.staff.roleClaim,
    [customerTokenEnvNames.issuer]: i.customerIssuer,
    [customerTokenEnvNames.jwksUrl]: `${i.apiUrl}${CUSTOMER_JWKS_PATH}`,
  };
  if (fn === 'authorizer') return common;
  const consumed = (Object.keys(i.topology.queues) as QueueId[]).filter(
    (q) => fn === 'ops' || i.topology.queues[q].consumer.function === fn,
  );
  return {
    ...common,
    ...queueEnvironment(consumed, i.queues),
    ...(fn === 'booking'
      ? {
          [secretEnvNames.stripe]: i.secretArns.stripe,
          [secretEnvNames.customerTokenKey]: i.secretArns.customerTokenKey,
        }
      : {}),
    ...i.topology.functions[fn].environment,
  };
}

function queueEnvironment(ids: QueueId[], queues: Record<QueueId, QueueAddresses>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const q of ids) {
    const names = queueEnvNames[q];
    env[names.url] = queues[q].url;
    env[names.arn] = queues[q].arn;
    env[names.dlqUrl] = queues[q].dlqUrl;
    env[names.dlqArn] = queues[q].dlqArn;
  }
  return env;
}
