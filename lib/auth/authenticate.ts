import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createRemoteJWKSet, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { HttpError } from '../http/errors.ts';
import { header } from '../http/request.ts';
import { type Caller, ROLES, type Role } from './caller.ts';

/** Asymmetric algorithms only: `none` and HMAC (a public key used as a secret) never pass. */
export const ACCEPTED_ALGORITHMS = ['ES256', 'RS256'];

/** Clock tolerance for `exp`/`nbf`/`iat`, for phones with slightly wrong clocks. */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** What verification needs: the issuer, the audience, where its keys are, the role claim. */
export interface AuthSettings {
  issuer?: string;
  audience: string;
  jwksUrl?: string;
  roleClaim: string;
}

/** Verifies the bearer token of a request and returns the caller, or throws 401/403. */
export type Authenticate = (event: APIGatewayProxyEventV2) => Promise<Caller>;

/**
 * Builds an authenticator bound to one issuer. The JWKS is fetched once and cached by jose
 * (refetched on an unknown `kid`, at most every 30 s), so verification stays off the network.
 */
export function createAuthenticator(settings: AuthSettings, keys?: JWTVerifyGetKey): Authenticate {
  if (!settings.issuer) throw new Error('Expected an issuer for token verification but received none');
  if (!keys && !settings.jwksUrl)
    throw new Error('Expected a JWKS URL for token verification but received none');
  const issuer = settings.issuer;
  const getKey =
    keys ?? createRemoteJWKSet(new URL(settings.jwksUrl as string), { cooldownDuration: 30_000 });
  return async (event) => {
    const token = bearerToken(header(event, 'authorization'));
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: ACCEPTED_ALGORITHMS,
        issuer,
        audience: settings.audience,
        requiredClaims: ['exp', 'sub', 'iss', 'aud'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      throw new HttpError('unauthenticated', describe(error), { cause: error });
    }
    const sub = payload.sub;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) {
      throw new HttpError('unauthenticated', 'The token has no usable subject.');
    }
    return { sub, role: exactRole(payload[settings.roleClaim]) };
  };
}

function bearerToken(value: string | undefined): string {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(value?.trim() ?? '');
  if (!match) throw new HttpError('unauthenticated', 'Expected an Authorization header "Bearer <token>".');
  return match[1] as string;
}

/** Exactly one known role as a string; arrays, unknown roles and absence are refused. */
function exactRole(value: unknown): Role {
  if (typeof value === 'string' && (ROLES as readonly string[]).includes(value)) return value as Role;
  throw new HttpError('forbidden', `Expected exactly one role of ${ROLES.join(', ')} in the token.`);
}

function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired; sign in again.';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `The token is not valid here (${error.claim} claim).`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return 'The token is signed with an algorithm that is not accepted.';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'The token signature does not verify.';
  if (error instanceof joseErrors.JWKSNoMatchingKey)
    return 'The token is signed by a key this issuer does not publish.';
  return 'The token could not be verified.';
}
