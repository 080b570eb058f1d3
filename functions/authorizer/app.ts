import type {
  APIGatewayProxyEventV2,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { decodeJwt } from 'jose';
import type { Authenticate } from '../../lib/auth/authenticate.ts';
import { HttpError } from '../../lib/http/errors.ts';

/** What the gate passes on to the route's function (which verifies the token again itself). */
export interface GateContext {
  sub: string;
  role: string;
}

/** The authorizer's answer in API Gateway's simple-response format. */
export type GateResult = APIGatewaySimpleAuthorizerWithContextResult<GateContext>;

/**
 * API Gateway turns exactly this error message into 401 `Unauthorized`; any other thrown error
 * becomes a 500, and `isAuthorized: false` a 403.
 */
export const UNAUTHORIZED = 'Unauthorized';

/**
 * The gate in front of the `jwt` routes: it picks the verifier by the token's issuer (staff OIDC
 * or booking's customer tokens) and lets a verified caller through. The issuer is read unverified
 * only to choose; the chosen verifier pins issuer, algorithms, audience and `exp`.
 */
export function createGate(verifiers: ReadonlyMap<string, Authenticate>) {
  return async (event: APIGatewayRequestAuthorizerEventV2): Promise<GateResult> => {
    const verify = verifierFor(event, verifiers);
    try {
      const caller = await verify(event as unknown as APIGatewayProxyEventV2);
      return { isAuthorized: true, context: { sub: caller.sub, role: caller.role } };
    } catch (error) {
      // A valid token without a usable role is forbidden (403); every other failure is 401.
      if (error instanceof HttpError && error.code === 'forbidden')
        return { isAuthorized: false, context: none };
      throw new Error(UNAUTHORIZED, { cause: error });
    }
  };
}

const none: GateContext = { sub: '', role: '' };

function verifierFor(
  event: APIGatewayRequestAuthorizerEventV2,
  verifiers: ReadonlyMap<string, Authenticate>,
): Authenticate {
  const auth = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  const token = /^Bearer (\S+)$/.exec(auth?.trim() ?? '')?.[1];
  let issuer: unknown;
  try {
    issuer = token ? decodeJwt(token).iss : undefined;
  } catch {
    issuer = undefined;
  }
  const verify = typeof issuer === 'string' ? verifiers.get(issuer) : undefined;
  if (!verify) throw new Error(UNAUTHORIZED);
  return verify;
}
