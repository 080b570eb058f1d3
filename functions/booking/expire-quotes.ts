import { judgePaidSession } from '../../lib/booking/paid-session.ts';
import { isLapsed } from '../../lib/booking/quote-state.ts';
import { confirmQuote } from './confirm.ts';
import type { BookingDeps } from './deps.ts';

/** What one sweep did. */
export interface SweepResult {
  expired: number;
  confirmed: number;
  skipped: number;
}

const BATCH = 100;

/**
 * The expiry sweep: live quotes past their time become `expired` (a Zelle hold leaves the
 * counter). A quote with an open Checkout Session has the session expired at Stripe first, so
 * nobody pays for an expired quote; if Stripe says it was already paid, the sweep confirms it from
 * the session itself (the webhook may be late or lost) instead of expiring it.
 */
export async function expireQuotes(deps: BookingDeps): Promise<SweepResult> {
  const result: SweepResult = { expired: 0, confirmed: 0, skipped: 0 };
  const nowMs = deps.now();
  for (const { quoteId } of await deps.quotes.listLapsed(nowMs, BATCH)) {
    const quote = await deps.quotes.get(quoteId);
    if (!quote || !isLapsed(quote, nowMs)) {
      result.skipped++;
      continue;
    }
    if (quote.status === 'checkout_open' && quote.stripe) {
      const state = await deps.stripe.expireSession(quote.stripe.sessionId);
      if (state === 'complete') {
        const session = await deps.stripe.retrieveSession(quote.stripe.sessionId);
        const verdict = judgePaidSession(
          {
            sessionId: session.id,
            paymentStatus: session.payment_status ?? null,
            clientReferenceId: session.client_reference_id ?? null,
            metadataQuoteId: session.metadata?.quote_id ?? null,
            amountTotal: session.amount_total ?? null,
            currency: session.currency ?? null,
          },
          quote,
        );
        if (verdict.ok) {
          await confirmQuote(deps, quoteId, {
            method: 'stripe',
            confirmedBy: 'expiry-sweep',
            details: {
              session_id: session.id,
              amount_total: session.amount_total,
              currency: session.currency,
            },
          });
          result.confirmed++;
          continue;
        }
        // A complete session that does not pay this quote: its webhook records the problem.
      }
    }
    if (await deps.quotes.expire(quote, nowMs)) result.expired++;
    else result.skipped++;
  }
  deps.logger.info('expiry sweep', { ...result });
  return result;
}
