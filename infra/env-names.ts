import type { QueueId } from '../lib/topology/types.ts';

/**
 * The environment variable names the stack hands to functions for queues, in one place: a rename
 * agreed with a function's author is a one-line change here.
 */
export const queueEnvNames: Record<QueueId, { url: string; arn: string; dlqUrl: string; dlqArn: string }> = {
  uploads: {
    url: 'QDN_UPLOADS_QUEUE_URL',
    arn: 'QDN_UPLOADS_QUEUE_ARN',
    dlqUrl: 'QDN_UPLOADS_DLQ_URL',
    dlqArn: 'QDN_UPLOADS_DLQ_ARN',
  },
  thumbnails: {
    url: 'QDN_THUMBNAILS_QUEUE_URL',
    arn: 'QDN_THUMBNAILS_QUEUE_ARN',
    dlqUrl: 'QDN_THUMBNAILS_DLQ_URL',
    dlqArn: 'QDN_THUMBNAILS_DLQ_ARN',
  },
};

/** Secrets booking reads (Secrets Manager ARNs, never the values). */
export const secretEnvNames = {
  stripe: 'QDN_STRIPE_SECRET_ARN',
  customerTokenKey: 'QDN_CUSTOMER_TOKEN_SECRET_ARN',
} as const;

/** The second issuer: customer tokens signed by booking, verified by every API function. */
export const customerTokenEnvNames = {
  issuer: 'QDN_CUSTOMER_TOKEN_ISSUER',
  jwksUrl: 'QDN_CUSTOMER_JWKS_URL',
} as const;

/** The public route booking serves with the customer-token public keys. */
export const CUSTOMER_JWKS_PATH = '/.well-known/customer-jwks.json';
