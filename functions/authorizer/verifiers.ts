import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { type Authenticate, createAuthenticator } from '../../lib/auth/authenticate.ts';
import type { Config } from '../../lib/config/config.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { header } from '../../lib/http/request.ts';

const customerIssuerSchema = z.object({
  QDN_CUSTOMER_TOKEN_ISSUER: z.string().min(1),
  QDN_CUSTOMER_JWKS_URL: z.url({ protocol: /^https?$/ }),
});

/**
 * One verifier per accepted issuer: the staff OIDC issuer from the config and, when set, the
 * customer-token issuer booking signs for, with the same audience and role claim. Built on
 * today's single-issuer `createAuthenticator`; booking's combined staff+customer authenticator
 * replaces this whole file.
 */
export function issuerVerifiers(
  config: Config,
  env: Record<string, string | undefined>,
): Map<string, Authenticate> {
  const verifiers = new Map<string, Authenticate>();
  if (config.auth.issuer) verifiers.set(config.auth.issuer, createAuthenticator(config.auth));
  const customer = customerIssuerSchema.safeParse(env);
  if (customer.success) {
    const { QDN_CUSTOMER_TOKEN_ISSUER: issuer, QDN_CUSTOMER_JWKS_URL: jwksUrl } = customer.data;
    verifiers.set(issuer, createAuthenticator({ ...config.auth, issuer, jwksUrl }));
  }
  if (verifiers.size === 0) throw new Error('Expected at least one token issuer but received none');
  return verifiers;
}

/**
 * Picks the verifier by the token's issuer. The issuer is read unverified only to choose; the
 * chosen verifier pins issuer, algorithms, audience and `exp`, so a forged `iss` gains nothing.
 */
export function byIssuer(verifiers: ReadonlyMap<string, Authenticate>): Authenticate {
  return async (event: APIGatewayProxyEventV2) => {
    const token = /^Bearer (\S+)$/.exec(header(event, 'authorization')?.trim() ?? '')?.[1];
    let issuer: unknown;
    try {
      issuer = token ? decodeJwt(token).iss : undefined;
    } catch {
      issuer = undefined;
    }
    const verify = typeof issuer === 'string' ? verifiers.get(issuer) : undefined;
    if (!verify) throw new HttpError('unauthenticated', 'The token is not from an issuer this API accepts.');
    return verify(event);
  };
}
