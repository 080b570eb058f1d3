import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { TRACKING_LINK_TTL_SECONDS } from '../../lib/auth/tracking-link.ts';
import type { Quote } from '../../lib/booking/quote.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { parseJsonBody } from '../../lib/http/request.ts';
import { json } from '../../lib/http/response.ts';
import type { BookingDeps } from './deps.ts';
import { trackingTokenRequest } from './schemas.ts';

/** A token from a tracking link lives a working day: enough to look, short if it leaks from a tab. */
export const TRACKING_TOKEN_SECONDS = 12 * 3600;

/**
 * The tracking link of a confirmed quote, for its owner: `/track/{job_id}#link={signed link}`.
 * The link is in the fragment, which browsers never send to a server (nor to logs or referrers).
 */
export async function trackingLinkOf(quote: Quote, deps: BookingDeps): Promise<string | null> {
  if (quote.status !== 'confirmed' || !quote.jobId) return null;
  const expires = new Date(deps.now() + TRACKING_LINK_TTL_SECONDS * 1000);
  const link = await deps.links.sign({ customerId: quote.customerId, quoteId: quote.quoteId }, expires);
  return `${deps.publicUrl}/track/${encodeURIComponent(quote.jobId)}#link=${link}`;
}

/**
 * `POST /tracking/token` (public): exchanges a tracking link for a fresh, short customer token.
 * The link must verify (signature, issuer, its own audience and type, expiry), and the quote it
 * names must still be the link's customer's and confirmed; anything else is 401, alike.
 */
export async function trackingToken(
  event: APIGatewayProxyEventV2,
  deps: BookingDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const { link } = parseJsonBody(event, trackingTokenRequest);
  const refused = new HttpError('unauthenticated', 'This tracking link is not valid (or no longer is).');
  const claims = await deps.links.verify(link).catch(() => {
    throw refused;
  });
  const quote = await deps.quotes.get(claims.quoteId);
  if (!quote || quote.customerId !== claims.customerId || quote.status !== 'confirmed' || !quote.jobId)
    throw refused;
  const expiresAt = new Date(deps.now() + TRACKING_TOKEN_SECONDS * 1000);
  return json(200, {
    customer_token: await deps.signer.sign(quote.customerId, expiresAt),
    expires_in: TRACKING_TOKEN_SECONDS,
    customer_id: quote.customerId,
    quote_id: quote.quoteId,
    job_id: quote.jobId,
  });
}
