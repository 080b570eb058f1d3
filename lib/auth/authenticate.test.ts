import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../http/errors.ts';
import { type Authenticate, createAuthenticator } from './authenticate.ts';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'qdn-api';

let authenticate: Authenticate;
let sign: (
  claims: Record<string, unknown>,
  opts?: { iss?: string; aud?: string; exp?: string | null; sub?: string | null },
) => Promise<string>;
let signWithOtherKey: () => Promise<string>;
let signTimes: (times: { iat?: number; exp: number }) => Promise<string>;

const eventWith = (authorization?: string) =>
  ({ headers: authorization ? { authorization } : {} }) as unknown as APIGatewayProxyEventV2;

async function refusal(token: string | undefined): Promise<HttpError> {
  try {
    await authenticate(eventWith(token === undefined ? undefined : `Bearer ${token}`));
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected the token to be refused');
}

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  authenticate = createAuthenticator(
    { issuer: ISSUER, audience: AUDIENCE, roleClaim: 'qdn_role' },
    createLocalJWKSet({ keys: [jwk] }),
  );
  sign = (claims, opts = {}) => {
    let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuedAt();
    jwt = jwt.setIssuer(opts.iss ?? ISSUER).setAudience(opts.aud ?? AUDIENCE);
    if (opts.sub !== null) jwt = jwt.setSubject(opts.sub ?? 'crew-demo');
    if (opts.exp !== null) jwt = jwt.setExpirationTime(opts.exp ?? '10m');
    return jwt.sign(privateKey);
  };
  signTimes = ({ iat, exp }) => {
    let jwt = new SignJWT({ qdn_role: 'crew' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('crew-demo')
      .setExpirationTime(exp);
    if (iat !== undefined) jwt = jwt.setIssuedAt(iat);
    return jwt.sign(privateKey);
  };
  const other = await generateKeyPair('ES256');
  signWithOtherKey = () =>
    new SignJWT({ qdn_role: 'crew' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('crew-demo')
      .setExpirationTime('10m')
      .sign(other.privateKey);
});

describe('createAuthenticator', () => {
  it('returns the caller of a valid token', async () => {
    await expect(authenticate(eventWith(`Bearer ${await sign({ qdn_role: 'crew' })}`))).resolves.toEqual({
      sub: 'crew-demo',
      role: 'crew',
    });
  });

  it('refuses with 401 a missing, expired, unsigned, foreign or misaddressed token', async () => {
    const cases: Array<[string, string | undefined]> = [
      ['missing', undefined],
      ['garbage', 'not-a-jwt'],
      ['expired', await sign({ qdn_role: 'crew' }, { exp: '-5m' })],
      [
        'alg none',
        new UnsecuredJWT({ qdn_role: 'admin', sub: 'x' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('10m')
          .encode(),
      ],
      ['other key', await signWithOtherKey()],
      ['wrong issuer', await sign({ qdn_role: 'crew' }, { iss: 'https://evil.test' })],
      ['wrong audience', await sign({ qdn_role: 'crew' }, { aud: 'other-api' })],
      ['no exp', await sign({ qdn_role: 'crew' }, { exp: null })],
      ['no sub', await sign({ qdn_role: 'crew' }, { sub: null })],
    ];
    for (const [name, token] of cases) {
      const error = await refusal(token);
      expect({ name, status: error.status, code: error.code }).toEqual({
        name,
        status: 401,
        code: 'unauthenticated',
      });
    }
  });

  it('refuses with 403 a role that is not exactly one known role', async () => {
    for (const role of [['admin'], 'superuser', undefined, 'Admin']) {
      const error = await refusal(await sign({ qdn_role: role }));
      expect(error.status).toBe(403);
    }
  });

  it('says why an expired token was refused', async () => {
    const error = await refusal(await sign({ qdn_role: 'crew' }, { exp: '-5m' }));
    expect(error.message).toMatch(/expired/);
  });
});

describe('token lifetimes', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const DAY = 86_400;

  it('refuses an iat a day in the future', async () => {
    const error = await refusal(await signTimes({ iat: now() + DAY, exp: now() + DAY + 600 }));
    expect([error.status, error.message]).toEqual([401, 'The token claims to be issued in the future.']);
  });

  it('refuses an exp ten years away, with or without iat', async () => {
    const tenYears = now() + 10 * 365 * DAY;
    for (const iat of [now(), undefined]) {
      const error = await refusal(await signTimes({ iat, exp: tenYears }));
      expect(error.status).toBe(401);
      expect(error.message).toMatch(/lifetime of at most 86400 s/);
    }
  });

  it('accepts a 24 h token, a token without iat that ends within 24 h, and a small clock skew', async () => {
    for (const token of [
      await signTimes({ iat: now(), exp: now() + DAY }),
      await signTimes({ exp: now() + 3600 }),
      await signTimes({ iat: now() + 20, exp: now() + 600 }),
    ]) {
      await expect(authenticate(eventWith(`Bearer ${token}`))).resolves.toMatchObject({ sub: 'crew-demo' });
    }
  });
});
