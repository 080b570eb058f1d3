import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/config.ts';
import { issuerVerifiers } from './verifiers.ts';

const staffEnv = {
  QDN_RUNTIME: 'aws',
  QDN_JWT_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool',
  QDN_JWKS_URL: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool/.well-known/jwks.json',
};

describe('the issuers the gate accepts', () => {
  it('are the staff issuer and, when configured, the customer-token issuer', () => {
    const env = {
      ...staffEnv,
      QDN_CUSTOMER_TOKEN_ISSUER: 'https://api.example/customer',
      QDN_CUSTOMER_JWKS_URL: 'https://api.example/.well-known/customer-jwks.json',
    };
    expect([...issuerVerifiers(loadConfig(env), env).keys()]).toEqual([
      staffEnv.QDN_JWT_ISSUER,
      'https://api.example/customer',
    ]);
  });

  it('are the staff issuer alone without a customer issuer, and none is refused', () => {
    expect([...issuerVerifiers(loadConfig(staffEnv), staffEnv).keys()]).toEqual([staffEnv.QDN_JWT_ISSUER]);
    expect(() => issuerVerifiers(loadConfig({}), {})).toThrow(/at least one token issuer/);
  });
});
