import { decodeJwt, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config/config.ts';
import { HttpError } from '../http/errors.ts';
import { header } from '../http/request.ts';
import { type Authenticate, bearerToken, createTokenVerifier, type VerifyToken } from './authenticate.ts';

/** Key sets for tests; by default each issuer's JWKS URL is fetched (and cached) by jose. */
export interface CallerKeys {
  staff?: JWTVerifyGetKey;
  customer?: JWTVerifyGetKey;
}

/**
 * The one authenticator every function uses: staff tokens from the OIDC issuer (Cognito, the dev
 * issuer locally) and customer tokens from the booking function's own issuer, with the same pins
 * (ES256/RS256 only, exact `iss` and `aud`, required `exp`/`sub`/`iss`/`aud`, clock tolerance, a
 * maximum lifetime). The customer issuer may only grant the `customer` role, and its tokens live
 * at most as long as a quote. The unverified `iss` only picks which verifier runs; that verifier
 * then checks everything, so a forged `iss` gains nothing.
 * Without a customer JWKS URL customer tokens are simply refused (401).
 */
export function createCallerAuthenticator(config: Config, keys: CallerKeys = {}): Authenticate {
  const staff = createTokenVerifier(
    { ...config.auth, maxLifetimeSeconds: config.maxTokenLifetimeSeconds },
    keys.staff,
  );
  const customerIssuer = config.customerAuth.issuer;
  if (customerIssuer === config.auth.issuer)
    throw new Error(
      `Expected the customer token issuer to differ from the staff issuer but both are "${customerIssuer}"`,
    );
  const customer: VerifyToken | null =
    keys.customer || config.customerAuth.jwksUrl
      ? createTokenVerifier(
          {
            issuer: customerIssuer,
            audience: config.auth.audience,
            jwksUrl: config.customerAuth.jwksUrl,
            roleClaim: config.auth.roleClaim,
            maxLifetimeSeconds: config.booking.quoteTtlSeconds,
            allowedRoles: ['customer'],
          },
          keys.customer,
        )
      : null;
  return async (event) => {
    const token = bearerToken(header(event, 'authorization'));
    if (issuerOf(token) === customerIssuer) {
      if (!customer) throw new HttpError('unauthenticated', 'Customer tokens are not accepted here.');
      return customer(token);
    }
    return staff(token);
  };
}

function issuerOf(token: string): string | undefined {
  try {
    const iss = decodeJwt(token).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    // Not a JWT at all: the staff verifier answers 401 with its usual message.
    return undefined;
  }
}
