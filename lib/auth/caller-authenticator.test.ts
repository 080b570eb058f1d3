import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { HttpError } from '../http/errors.ts';
import type { Authenticate } from './authenticate.ts';
import { createCallerAuthenticator } from './caller-authenticator.ts';
import { createCustomerTokenSigner, generateCustomerKey } from './customer-token.ts';

const config = loadConfig({ QDN_JWT_ISSUER: 'https://staff.test', QDN_QUOTE_TTL_SECONDS: '3600' });
const eventWith = (token: string) =>
  ({ headers: { authorization: `Bearer ${token}` } }) as unknown as APIGatewayProxyEventV2;

let authenticate: Authenticate;
let staffKey: CryptoKey;
let customerPrivate: JWK;

async function refusal(token: string): Promise<HttpError> {
  try {
    await authenticate(eventWith(token));
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected the token to be refused');
}

const customerSigned = async (claims: Record<string, unknown>, exp: number, iss = 'qdn-customer') => {
  const { importJWK } = await import('jose');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: customerPrivate.kid as string })
    .setIssuer(iss)
    .setAudience('qdn-api')
    .setSubject('cust-9')
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(await importJWK(customerPrivate, 'ES256'));
};

beforeAll(async () => {
  const staff = await generateKeyPair('ES256');
  staffKey = staff.privateKey;
  const staffJwk = { ...(await exportJWK(staff.publicKey)), kid: 's1', alg: 'ES256' };
  customerPrivate = await generateCustomerKey();
  const signer = await createCustomerTokenSigner(customerPrivate, {
    issuer: 'qdn-customer',
    audience: 'qdn-api',
    roleClaim: 'qdn_role',
  });
  authenticate = createCallerAuthenticator(config, {
    staff: createLocalJWKSet({ keys: [staffJwk] }),
    customer: createLocalJWKSet(signer.jwks),
  });
});

describe('createCallerAuthenticator', () => {
  it('accepts a staff token and a customer token signed by the booking key', async () => {
    const staff = await new SignJWT({ qdn_role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: 's1' })
      .setIssuer('https://staff.test')
      .setAudience('qdn-api')
      .setSubject('admin-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(staffKey);
    await expect(authenticate(eventWith(staff))).resolves.toEqual({ sub: 'admin-1', role: 'admin' });
    const signer = await createCustomerTokenSigner(customerPrivate, {
      issuer: 'qdn-customer',
      audience: 'qdn-api',
      roleClaim: 'qdn_role',
    });
    const token = await signer.sign('cust-9', new Date(Date.now() + 1800_000));
    await expect(authenticate(eventWith(token))).resolves.toEqual({ sub: 'cust-9', role: 'customer' });
  });

  it('refuses any role but customer from the customer issuer', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const role of ['admin', 'crew']) {
      const error = await refusal(await customerSigned({ qdn_role: role }, now + 600));
      expect([error.status, error.message]).toEqual([401, `This issuer may not grant the role "${role}".`]);
    }
  });

  it('caps customer tokens at the quote lifetime and never lets the staff key pose as customer', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await refusal(await customerSigned({ qdn_role: 'customer' }, now + 7200))).status).toBe(401);
    const forged = await new SignJWT({ qdn_role: 'customer' })
      .setProtectedHeader({ alg: 'ES256', kid: 's1' })
      .setIssuer('qdn-customer')
      .setAudience('qdn-api')
      .setSubject('cust-9')
      .setExpirationTime('5m')
      .sign(staffKey);
    expect((await refusal(forged)).status).toBe(401);
    // The customer key claiming the staff issuer is checked against the staff keys: refused.
    expect(
      (await refusal(await customerSigned({ qdn_role: 'admin' }, now + 600, 'https://staff.test'))).status,
    ).toBe(401);
  });

  it('refuses customer tokens when no customer key set is configured', async () => {
    const staffOnly = createCallerAuthenticator(config, { staff: createLocalJWKSet({ keys: [] }) });
    const token = await customerSigned({ qdn_role: 'customer' }, Math.floor(Date.now() / 1000) + 600);
    await expect(staffOnly(eventWith(token))).rejects.toMatchObject({ status: 401 });
  });
});
