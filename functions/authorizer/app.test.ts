import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCallerAuthenticator } from '../../lib/auth/caller-authenticator.ts';
import { loadConfig } from '../../lib/config/config.ts';
import { createGate, UNAUTHORIZED } from './app.ts';

const STAFF = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool';
const CUSTOMER = 'https://api.example/customer';
const audience = 'qdn-api';
const roleClaim = 'qdn_role';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const keys: Record<string, { privateKey: Key; jwk: JWK }> = {};
let gate: ReturnType<typeof createGate>;

async function keyFor(name: string, alg: 'RS256' | 'ES256') {
  const pair = await generateKeyPair(alg, { extractable: true });
  keys[name] = { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid: name, alg } };
}

function sign(key: string, claims: Record<string, unknown>, alg = key === 'staff' ? 'RS256' : 'ES256') {
  const k = keys[key];
  if (!k) throw new Error(key);
  const now = Math.floor(Date.now() / 1000);
  // The claims given win over these defaults (jose's setters would overwrite them).
  return new SignJWT({
    [roleClaim]: 'crew',
    sub: 'crew-1',
    aud: audience,
    iat: now,
    exp: now + 600,
    ...claims,
  })
    .setProtectedHeader({ alg, kid: key })
    .sign(k.privateKey);
}

const event = (authorization?: string) =>
  ({
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:us-east-1:123456789012:api/$default/GET/list-photos',
    identitySource: authorization ? [authorization] : [],
    headers: authorization ? { authorization } : {},
  }) as unknown as APIGatewayRequestAuthorizerEventV2;

beforeAll(async () => {
  await keyFor('staff', 'RS256');
  await keyFor('customer', 'ES256');
  const jwks = (name: string) => createLocalJWKSet({ keys: [keys[name]?.jwk as JWK] });
  // The gate runs the same authenticator as every function (lib/auth), with both issuers.
  const config = loadConfig({
    QDN_JWT_ISSUER: STAFF,
    QDN_JWT_AUDIENCE: audience,
    QDN_ROLE_CLAIM: roleClaim,
    QDN_CUSTOMER_TOKEN_ISSUER: CUSTOMER,
  });
  gate = createGate(createCallerAuthenticator(config, { staff: jwks('staff'), customer: jwks('customer') }));
});

describe('the API gate', () => {
  it('lets a staff token and a customer token through, each verified against its own issuer', async () => {
    const staff = await sign('staff', { iss: STAFF });
    expect(await gate(event(`Bearer ${staff}`))).toEqual({
      isAuthorized: true,
      context: { sub: 'crew-1', role: 'crew' },
    });
    const customer = await sign('customer', { iss: CUSTOMER, [roleClaim]: 'customer' });
    expect(await gate(event(`Bearer ${customer}`))).toMatchObject({
      isAuthorized: true,
      context: { role: 'customer' },
    });
  });

  it('answers 401 (the Unauthorized error) for a missing, unknown-issuer, forged or expired token', async () => {
    await expect(gate(event())).rejects.toThrow(UNAUTHORIZED);
    await expect(gate(event('Bearer not-a-jwt'))).rejects.toThrow(UNAUTHORIZED);
    const stranger = await sign('customer', { iss: 'https://evil.example' });
    await expect(gate(event(`Bearer ${stranger}`))).rejects.toThrow(UNAUTHORIZED);
    // Signed with the customer key but claiming the staff issuer: the staff JWKS has no such key.
    const forged = await sign('customer', { iss: STAFF });
    await expect(gate(event(`Bearer ${forged}`))).rejects.toThrow(UNAUTHORIZED);
    const expired = await sign('staff', { iss: STAFF, exp: Math.floor(Date.now() / 1000) - 3600 });
    await expect(gate(event(`Bearer ${expired}`))).rejects.toThrow(UNAUTHORIZED);
    const wrongAudience = await sign('staff', { iss: STAFF, aud: 'someone-else' });
    await expect(gate(event(`Bearer ${wrongAudience}`))).rejects.toThrow(UNAUTHORIZED);
  });

  it('refuses a customer-issuer token that claims a staff role', async () => {
    const climber = await sign('customer', { iss: CUSTOMER, [roleClaim]: 'admin' });
    await expect(gate(event(`Bearer ${climber}`))).rejects.toThrow();
  });

  it('refuses (403) a verified token without exactly one known role', async () => {
    const roles = await sign('staff', { iss: STAFF, [roleClaim]: ['admin', 'crew'] });
    expect(await gate(event(`Bearer ${roles}`))).toMatchObject({ isAuthorized: false });
  });
});
