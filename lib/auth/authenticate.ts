import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createRemoteJWKSet, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { HttpError } from '../http/errors.ts';
import { header } from '../http/request.ts';
import { type Caller, ROLES, type Role } from './caller.ts';

/** Asymmetric algorithms only: `none` and HMAC (a public key used as a secret) never pass. */
export const ACCEPTED_ALGORITHMS = ['ES256', 'RS256'];

/** Clock tolerance for `exp`/`nbf`/`iat`, for phones with slightly wrong clocks. */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** The longest `exp - iat` a staff token may claim unless configured otherwise (24 h). */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 86_400;

/** What verification needs: the issuer, the audience, where its keys are, the role claim. */
export interface AuthSettings {
  issuer?: string;
  audience: string;
  jwksUrl?: string;
  roleClaim: string;
  /** The longest lifetime accepted (`exp - iat`); default {@link DEFAULT_MAX_TOKEN_LIFETIME_SECONDS}. */
  maxLifetimeSeconds?: number;
  /** Roles this issuer may grant; another role is refused as unauthenticated. Default: all. */
  allowedRoles?: readonly Role[];
}

/** Verifies the bearer token of a request and returns the caller, or throws 401/403. */
export type Authenticate = (event: APIGatewayProxyEventV2) => Promise<Caller>;

/** Verifies one compact JWT and returns the caller, or throws 401/403. */
export type VerifyToken = (token: string) => Promise<Caller>;

/**
 * Builds an authenticator bound to one issuer. The JWKS is fetched once and cached by jose
 * (refetched on an unknown `kid`, at most every 30 s), so verification stays off the network.
 */
export function createAuthenticator(settings: AuthSettings, keys?: JWTVerifyGetKey): Authenticate {
  const verify = createTokenVerifier(settings, keys);
  return (event) => verify(bearerToken(header(event, 'authorization')));
}

/**
 * The token check behind {@link createAuthenticator}: pinned algorithms, issuer, audience and
 * required claims; then no `iat` in the future beyond the clock tolerance, and no lifetime above
 * the maximum. A token without `iat` cannot say how old it is, so its remaining life (`exp - now`)
 * must fit in the maximum instead.
 */
export function createTokenVerifier(settings: AuthSettings, keys?: JWTVerifyGetKey): VerifyToken {
  if (!settings.issuer) throw new Error('Expected an issuer for token verification but received none');
  if (!keys && !settings.jwksUrl)
    throw new Error('Expected a JWKS URL for token verification but received none');
  const issuer = settings.issuer;
  const maxLifetime = settings.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  const getKey =
    keys ?? createRemoteJWKSet(new URL(settings.jwksUrl as string), { cooldownDuration: 30_000 });
  return async (token) => {
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
    checkLifetime(payload, maxLifetime);
    const sub = payload.sub;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) {
      throw new HttpError('unauthenticated', 'The token has no usable subject.');
    }
    const role = exactRole(payload[settings.roleClaim]);
    if (settings.allowedRoles && !settings.allowedRoles.includes(role)) {
      throw new HttpError('unauthenticated', `This issuer may not grant the role "${role}".`);
    }
    return { sub, role };
  };
}

function checkLifetime(payload: Record<string, unknown>, maxLifetime: number): void {
  const now = Math.floor(Date.now() / 1000);
  const exp = payload.exp as number;
  const iat = payload.iat;
  if (iat !== undefined && typeof iat !== 'number')
    throw new HttpError('unauthenticated', 'The token is not valid here (iat claim).');
  if (typeof iat === 'number' && iat > now + CLOCK_TOLERANCE_SECONDS)
    throw new HttpError('unauthenticated', 'The token claims to be issued in the future.');
  const lifetime = exp - (typeof iat === 'number' ? iat : now);
  if (lifetime > maxLifetime + CLOCK_TOLERANCE_SECONDS)
    throw new HttpError(
      'unauthenticated',
      `Expected a token lifetime of at most ${maxLifetime} s but received ${lifetime} s.`,
    );
}

/** The token of an `Authorization: Bearer <token>` header, or 401. */
export function bearerToken(value: string | undefined): string {
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
