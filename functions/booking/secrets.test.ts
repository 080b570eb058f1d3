import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { generateCustomerKey } from '../../lib/auth/customer-token.ts';
import { loadConfig } from '../../lib/config/config.ts';
import { loadBookingSecrets } from './secrets.ts';

const aws = {
  QDN_RUNTIME: 'aws',
  QDN_JWT_ISSUER: 'https://cognito.test/pool',
  QDN_JWKS_URL: 'https://cognito.test/pool/.well-known/jwks.json',
  QDN_STRIPE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:stripe',
  QDN_CUSTOMER_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:customer',
};

describe('loadBookingSecrets on AWS', () => {
  it('reads the Stripe keys and the customer JWK from Secrets Manager, not the environment', async () => {
    // Prepare
    const sm = mockClient(SecretsManagerClient);
    const jwk = await generateCustomerKey();
    sm.on(GetSecretValueCommand, { SecretId: aws.QDN_STRIPE_SECRET_ARN }).resolves({
      SecretString: JSON.stringify({ secret_key: 'sk_test_abc12345', webhook_secret: 'whsec_abc' }),
    });
    sm.on(GetSecretValueCommand, { SecretId: aws.QDN_CUSTOMER_TOKEN_SECRET_ARN }).resolves({
      SecretString: JSON.stringify(jwk),
    });
    // Act
    const secrets = await loadBookingSecrets(
      loadConfig(aws),
      new SecretsManagerClient({ region: 'us-east-1' }),
    );
    // Assess
    expect(secrets).toEqual({
      stripeSecretKey: 'sk_test_abc12345',
      stripeWebhookSecret: 'whsec_abc',
      customerPrivateJwk: jwk,
    });
    sm.restore();
  });

  it('refuses Stripe keys in the environment on AWS', () => {
    expect(() => loadConfig({ ...aws, QDN_STRIPE_SECRET_KEY: 'sk_test_abc12345' })).toThrow(
      /QDN_STRIPE_SECRET_KEY: not allowed when QDN_RUNTIME=aws; use QDN_STRIPE_SECRET_ARN/,
    );
  });

  it('says which secret names are missing, and refuses a malformed Stripe secret', async () => {
    await expect(loadBookingSecrets(loadConfig({ ...aws, QDN_STRIPE_SECRET_ARN: '' }))).rejects.toThrow(
      /QDN_STRIPE_SECRET_ARN and QDN_CUSTOMER_TOKEN_SECRET_ARN/,
    );
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ secret_key: 'sk_test_abc12345' }),
    });
    await expect(
      loadBookingSecrets(loadConfig(aws), new SecretsManagerClient({ region: 'us-east-1' })),
    ).rejects.toThrow(/webhook_secret/);
    sm.restore();
  });
});
