import { z } from 'zod';
import { type Authenticate, createAuthenticator } from '../../lib/auth/authenticate.ts';
import type { Config } from '../../lib/config/config.ts';

const customerIssuerSchema = z.object({
  QDN_CUSTOMER_TOKEN_ISSUER: z.string().min(1),
  QDN_CUSTOMER_JWKS_URL: z.url({ protocol: /^https?$/ }),
});

/**
 * One verifier per accepted issuer: the staff OIDC issuer from the config and, when set, the
 * customer-token issuer booking signs for. Both use today's single-issuer `createAuthenticator`
 * with the same audience and role claim.
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
