import type {
  APIGatewayProxyEventV2,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
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

const none: GateContext = { sub: '', role: '' };

/**
 * The gate in front of the `jwt` routes: the same authenticator the functions use (every issuer
 * it accepts, with its pins) decides; a verified caller goes through with its sub and role.
 */
export function createGate(authenticate: Authenticate) {
  return async (event: APIGatewayRequestAuthorizerEventV2): Promise<GateResult> => {
    try {
      // The authenticator reads only the headers, which both event shapes carry alike.
      const caller = await authenticate(event as unknown as APIGatewayProxyEventV2);
      return { isAuthorized: true, context: { sub: caller.sub, role: caller.role } };
    } catch (error) {
      // A valid token without a usable role is forbidden (403); every other failure is 401.
      if (error instanceof HttpError && error.code === 'forbidden')
        return { isAuthorized: false, context: none };
      throw new Error(UNAUTHORIZED, { cause: error });
    }
  };
}
