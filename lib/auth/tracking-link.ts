import { createLocalJWKSet, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { CUSTOMER_TOKEN_ALGORITHM } from './customer-token.ts';

/**
 * The audience of a tracking link. It is not the API's audience, so the API refuses a link used
 * as a bearer token: a link is only ever exchanged (`POST /tracking/token`) for a short customer
 * token, after booking has checked the quote it names is still the holder's and confirmed.
 */
export const TRACKING_LINK_AUDIENCE = 'qdn-tracking-link';

/** The JOSE `typ` of a tracking link, so neither kind of token can pass for the other. */
const TRACKING_LINK_TYPE = 'qdn-tracking-link+jwt';

/** How long a tracking link works: the rental and its follow-up, not forever. */
export const TRACKING_LINK_TTL_SECONDS = 180 * 86_400;

/** What a verified tracking link names. */
export interface TrackingLinkClaims {
  customerId: string;
  quoteId: string;
}

/** Signs and verifies tracking links with the customer-token key (same issuer, own audience). */
export interface TrackingLinks {
  sign(claims: TrackingLinkClaims, expiresAt: Date): Promise<string>;
  /** The link's claims; throws for a bad signature, another audience or type, or an expired link. */
  verify(token: string): Promise<TrackingLinkClaims>;
}

/** Builds the tracking links of an issuer from its private customer JWK and its public JWKS. */
export async function createTrackingLinks(
  privateJwk: JWK,
  jwks: { keys: JWK[] },
  issuer: string,
): Promise<TrackingLinks> {
  const key = await importJWK(privateJwk, CUSTOMER_TOKEN_ALGORITHM);
  const keySet = createLocalJWKSet(jwks);
  return {
    sign: ({ customerId, quoteId }, expiresAt) =>
      new SignJWT({ qid: quoteId })
        .setProtectedHeader({
          alg: CUSTOMER_TOKEN_ALGORITHM,
          kid: privateJwk.kid as string,
          typ: TRACKING_LINK_TYPE,
        })
        .setIssuer(issuer)
        .setAudience(TRACKING_LINK_AUDIENCE)
        .setSubject(customerId)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key),
    async verify(token) {
      const { payload } = await jwtVerify(token, keySet, {
        algorithms: [CUSTOMER_TOKEN_ALGORITHM],
        issuer,
        audience: TRACKING_LINK_AUDIENCE,
        typ: TRACKING_LINK_TYPE,
        requiredClaims: ['sub', 'exp', 'qid'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.qid !== 'string')
        throw new Error('A tracking link names a customer and a quote');
      return { customerId: payload.sub, quoteId: payload.qid };
    },
  };
}
