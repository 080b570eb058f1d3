import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { JWK } from 'jose';
import { z } from 'zod';
import type { Config } from '../../lib/config/config.ts';
import { BookingSecretsError } from './errors.ts';

/** What the booking function keeps secret: the Stripe keys and the customer-token signing key. */
export interface BookingSecrets {
  stripeSecretKey: string;
  stripeWebhookSecret: string;
  customerPrivateJwk: JWK;
}

const stripeSecret = z.object({
  secret_key: z.string().min(8),
  webhook_secret: z.string().startsWith('whsec_'),
});

/**
 * Reads the secrets once per container. On AWS both come from Secrets Manager (named by
 * `QDN_STRIPE_SECRET_ARN` and `QDN_CUSTOMER_TOKEN_SECRET_ARN`, never in the environment in clear);
 * locally the runtime fills them into the config (the stand-in's keys, the data folder's JWK).
 */
export async function loadBookingSecrets(
  config: Config,
  client?: SecretsManagerClient,
): Promise<BookingSecrets> {
  if (config.runtime === 'aws') {
    const { stripe, customerAuth } = config;
    if (!stripe.secretArn || !customerAuth.secretArn)
      throw new BookingSecretsError(
        'Expected QDN_STRIPE_SECRET_ARN and QDN_CUSTOMER_TOKEN_SECRET_ARN on AWS',
      );
    const sm = client ?? new SecretsManagerClient({ region: config.region });
    const read = async (arn: string) => {
      const out = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
      if (!out.SecretString) throw new BookingSecretsError(`Expected a JSON secret string in ${arn}`);
      return JSON.parse(out.SecretString) as unknown;
    };
    const [stripeJson, jwk] = await Promise.all([read(stripe.secretArn), read(customerAuth.secretArn)]);
    const parsed = stripeSecret.safeParse(stripeJson);
    if (!parsed.success)
      throw new BookingSecretsError(
        'Expected {"secret_key", "webhook_secret": "whsec_…"} in the Stripe secret',
      );
    return {
      stripeSecretKey: parsed.data.secret_key,
      stripeWebhookSecret: parsed.data.webhook_secret,
      customerPrivateJwk: jwk as JWK,
    };
  }
  const { secretKey, webhookSecret } = config.stripe;
  const jwk = config.customerAuth.privateJwk;
  if (!secretKey || !webhookSecret || !jwk)
    throw new BookingSecretsError(
      'Expected the Stripe keys and the customer signing key in the config (the local runtime fills them in)',
    );
  return { stripeSecretKey: secretKey, stripeWebhookSecret: webhookSecret, customerPrivateJwk: jwk as JWK };
}
