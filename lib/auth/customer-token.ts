import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

/** Customer tokens are ES256, as the staff issuer's are: verifiers pin the same algorithm list. */
export const CUSTOMER_TOKEN_ALGORITHM = 'ES256';

/** Signs customer tokens and publishes the public half as a JWKS. */
export interface CustomerTokenSigner {
  /** Signs a token for a customer, valid until `expiresAt` (the quote's end). */
  sign(customerId: string, expiresAt: Date): Promise<string>;
  /** The public key set (no private parts) for `/.well-known/customer-jwks.json`. */
  jwks: { keys: JWK[] };
}

/** What a signer needs besides the key: the issuer, the API audience and the role claim. */
export interface CustomerTokenSettings {
  issuer: string;
  audience: string;
  roleClaim: string;
}

/** Builds a signer from a private ES256 JWK (with `kid`). */
export async function createCustomerTokenSigner(
  privateJwk: JWK,
  settings: CustomerTokenSettings,
): Promise<CustomerTokenSigner> {
  if (privateJwk.kty !== 'EC' || privateJwk.crv !== 'P-256' || !privateJwk.d || !privateJwk.kid)
    throw new Error('Expected a private P-256 JWK with a kid for customer tokens but received another key');
  const key = await importJWK(privateJwk, CUSTOMER_TOKEN_ALGORITHM);
  const { d: _d, ...publicJwk } = privateJwk;
  return {
    jwks: { keys: [{ ...publicJwk, alg: CUSTOMER_TOKEN_ALGORITHM, use: 'sig' }] },
    sign: (customerId, expiresAt) =>
      new SignJWT({ [settings.roleClaim]: 'customer' })
        .setProtectedHeader({ alg: CUSTOMER_TOKEN_ALGORITHM, kid: privateJwk.kid as string, typ: 'JWT' })
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setSubject(customerId)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key),
  };
}

/** A fresh private key for customer tokens (the local runtime keeps one in its data folder). */
export async function generateCustomerKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(CUSTOMER_TOKEN_ALGORITHM, { extractable: true });
  return {
    ...(await exportJWK(privateKey)),
    kid: `customer-${Date.now().toString(36)}`,
    alg: CUSTOMER_TOKEN_ALGORITHM,
  };
}
