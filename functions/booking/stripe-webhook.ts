import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type Stripe from 'stripe';
import { judgePaidSession, type PaidSessionFacts } from '../../lib/booking/paid-session.ts';
import { header } from '../../lib/http/request.ts';
import { json } from '../../lib/http/response.ts';
import { confirmQuote } from './confirm.ts';
import type { BookingDeps } from './deps.ts';

/**
 * `POST /stripe/webhook`: verified on the raw body (API Gateway may hand it over base64-encoded),
 * then each event id applied once. A paid, matching `checkout.session.completed` confirms the
 * quote; a mismatch is acknowledged, not confirmed, and counted for ops; `checkout.session.expired`
 * releases the quote; anything else is acknowledged and ignored.
 */
export async function stripeWebhook(
  event: APIGatewayProxyEventV2,
  deps: BookingDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  const stripeEvent = deps.stripe.verifyWebhook(
    raw,
    header(event, 'stripe-signature'),
    Math.floor(deps.now() / 1000),
  );
  const log = { event_id: stripeEvent.id, type: stripeEvent.type };
  switch (stripeEvent.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      await onPaid(stripeEvent.id, stripeEvent.data.object, deps);
      break;
    case 'checkout.session.expired':
      await onExpired(stripeEvent.id, stripeEvent.data.object, deps);
      break;
    default:
      deps.logger.info('stripe event ignored', log);
  }
  return json(200, { received: true });
}

async function onPaid(eventId: string, session: Stripe.Checkout.Session, deps: BookingDeps): Promise<void> {
  const facts: PaidSessionFacts = {
    sessionId: session.id,
    paymentStatus: session.payment_status ?? null,
    clientReferenceId: session.client_reference_id ?? null,
    metadataQuoteId: session.metadata?.quote_id ?? null,
    amountTotal: session.amount_total ?? null,
    currency: session.currency ?? null,
  };
  const quoteId = facts.clientReferenceId ?? facts.metadataQuoteId;
  const quote = quoteId ? await deps.quotes.get(quoteId) : null;
  const log = { event_id: eventId, session_id: session.id, quote_id: quoteId };
  if (facts.paymentStatus !== 'paid')
    return deps.logger.info('checkout completed unpaid; waiting for the payment', log);
  if (!quote) return problem(deps, null, eventId, `paid session ${session.id} names no known quote`, log);
  const verdict = judgePaidSession(facts, quote);
  if (!verdict.ok) {
    if (verdict.unpaid) return;
    return problem(deps, quote.quoteId, eventId, verdict.reason, log);
  }
  const outcome = await confirmQuote(deps, quote.quoteId, {
    method: 'stripe',
    confirmedBy: 'stripe',
    eventId,
    details: {
      session_id: session.id,
      payment_intent:
        typeof session.payment_intent === 'string'
          ? session.payment_intent
          : (session.payment_intent?.id ?? null),
      amount_total: facts.amountTotal,
      currency: facts.currency,
      event_id: eventId,
    },
  });
  if (outcome.kind === 'conflict')
    return problem(deps, quote.quoteId, eventId, `card payment after the quote was ${outcome.reason}`, log);
  deps.logger.info(
    outcome.kind === 'confirmed' && outcome.fresh
      ? 'paid session confirmed the quote'
      : 'paid session replayed',
    log,
  );
}

async function problem(
  deps: BookingDeps,
  quoteId: string | null,
  eventId: string,
  reason: string,
  log: Record<string, unknown>,
): Promise<void> {
  const recorded = await deps.quotes.recordPaymentProblem(quoteId, eventId, reason, deps.now());
  // Money was taken and nothing was confirmed: ops must look (bookings.payment_mismatch).
  deps.logger.warn('paid session not confirmed', { ...log, reason, first_time: recorded });
}

async function onExpired(
  eventId: string,
  session: Stripe.Checkout.Session,
  deps: BookingDeps,
): Promise<void> {
  const quoteId = session.client_reference_id ?? session.metadata?.quote_id ?? null;
  const quote = quoteId ? await deps.quotes.get(quoteId) : null;
  if (quote?.status !== 'checkout_open' || quote.stripe?.sessionId !== session.id) {
    // Confirmed, expired by the sweep, or an older session: nothing to release.
    return deps.logger.info('expired session changes nothing', { event_id: eventId, quote_id: quoteId });
  }
  const released = await deps.quotes.releaseCheckout(quote, session.id, eventId, deps.now());
  deps.logger.info('checkout session expired; quote open again', {
    event_id: eventId,
    quote_id: quoteId,
    released,
  });
}
