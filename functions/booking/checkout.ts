import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Caller } from '../../lib/auth/caller.ts';
import { QuoteStateError } from '../../lib/booking/errors.ts';
import type { Quote } from '../../lib/booking/quote.ts';
import { decideCheckout } from '../../lib/booking/quote-state.ts';
import { newZelleMemo } from '../../lib/booking/zelle-memo.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { parseJsonBody } from '../../lib/http/request.ts';
import { json } from '../../lib/http/response.ts';
import type { BookingDeps } from './deps.ts';
import { CheckoutRaceError } from './errors.ts';
import { loadOwnQuote } from './quote-access.ts';
import { trackingUrl } from './quote-view.ts';
import { checkoutRequest } from './schemas.ts';

// Stripe accepts a Checkout Session lifetime of 30 minutes to 24 hours.
const MIN_SESSION_S = 31 * 60;
const MAX_SESSION_S = 24 * 3600 - 60;

/**
 * `POST /quotes/{quote_id}/checkout` (owner only): a Checkout Session for the quote's total, or a
 * Zelle hold with a memo unique to the quote. A second call with the same method answers the same.
 */
export async function checkout(
  event: APIGatewayProxyEventV2,
  quoteId: string,
  caller: Caller,
  deps: BookingDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const { payment_method: method } = parseJsonBody(event, checkoutRequest);
  let quote = await loadOwnQuote(caller, quoteId, deps.quotes, { admin: false });
  // A lost race (another call opened the same session, or the sweep ran) re-reads and decides again.
  for (let attempt = 0; attempt < 4; attempt++) {
    const decision = decide(quote, method, deps.now());
    const answer =
      method === 'stripe'
        ? await stripeCheckout(quote, decision, deps)
        : await zelleCheckout(quote, decision, deps);
    if (answer) return json(200, answer);
    quote = await loadOwnQuote(caller, quoteId, deps.quotes, { admin: false });
  }
  throw new HttpError('conflict', 'The quote changed while checking out; try again.');
}

function decide(quote: Quote, method: 'stripe' | 'zelle', nowMs: number) {
  try {
    return decideCheckout(quote, method, nowMs);
  } catch (error) {
    if (error instanceof QuoteStateError) throw new HttpError('conflict', error.message);
    throw error;
  }
}

async function stripeCheckout(quote: Quote, decision: ReturnType<typeof decide>, deps: BookingDeps) {
  if (decision.action === 'reuse' && quote.stripe)
    return { checkout_url: quote.stripe.checkoutUrl, session_id: quote.stripe.sessionId };
  // Whole minutes, so racing calls usually send Stripe identical parameters for the same key.
  const nowS = Math.floor(deps.now() / 60_000) * 60;
  const lapsesS = Math.floor(Date.parse(quote.lapsesAt) / 1000);
  const expiresAt = Math.min(Math.max(lapsesS, nowS + MIN_SESSION_S), nowS + MAX_SESSION_S);
  const attempt = (quote.checkoutAttempts ?? 0) + 1;
  const track = trackingUrl(deps.publicUrl, quote.quoteId);
  // Same quote and attempt → same idempotency key → Stripe answers the same session to a racing call.
  let session: Awaited<ReturnType<BookingDeps['stripe']['createSession']>>;
  try {
    session = await deps.stripe.createSession(
      quote,
      attempt,
      { success: `${track}?checkout=success`, cancel: `${track}?checkout=cancel` },
      expiresAt,
    );
  } catch (error) {
    // A racing call used this attempt's key a moment earlier (its expires_at differs by a second):
    // its session is the quote's; re-read and answer it.
    if (error instanceof CheckoutRaceError) return null;
    throw error;
  }
  const stored = {
    sessionId: session.id,
    checkoutUrl: session.url,
    attempt,
    expiresAt: new Date(session.expiresAt * 1000).toISOString(),
  };
  if (!(await deps.quotes.openCheckout(quote, 'open', stored))) return null;
  deps.logger.info('checkout session opened', { quote_id: quote.quoteId, session_id: session.id });
  return { checkout_url: session.url, session_id: session.id };
}

async function zelleCheckout(quote: Quote, decision: ReturnType<typeof decide>, deps: BookingDeps) {
  if (decision.action === 'reuse' && quote.zelle)
    return {
      recipient: quote.zelle.recipient,
      amount_cents: quote.price.total_cents,
      memo: quote.zelle.memo,
    };
  const from = decision.action === 'switch' ? 'checkout_open' : 'open';
  if (decision.action === 'switch' && quote.stripe) {
    // Close the card path first: a paid session wins (its webhook confirms), an open one is expired.
    const state = await deps.stripe.expireSession(quote.stripe.sessionId);
    if (state === 'complete')
      throw new HttpError('conflict', 'This quote was just paid by card; it cannot switch to Zelle.');
  }
  const holdLapsesAt = new Date(deps.now() + deps.config.booking.zelleHoldSeconds * 1000).toISOString();
  for (let i = 0; i < 3; i++) {
    const zelle = { memo: newZelleMemo(), recipient: deps.config.booking.zelleRecipient };
    const outcome = await deps.quotes.holdForZelle(quote, from, zelle, holdLapsesAt);
    if (outcome === 'lost') return null;
    if (outcome === 'held') {
      deps.logger.info('zelle hold opened', { quote_id: quote.quoteId, memo: zelle.memo });
      return { recipient: zelle.recipient, amount_cents: quote.price.total_cents, memo: zelle.memo };
    }
  }
  throw new Error('Expected a free Zelle memo within three tries but every one was taken');
}
