import { QuoteStateError } from './errors.ts';
import type { PaymentMethod, Quote, QuoteStatus } from './quote.ts';

/** What choosing a payment method does to a quote. */
export type CheckoutDecision =
  /** Open a new Checkout Session / a new Zelle hold from `from`. */
  | { action: 'open'; from: QuoteStatus }
  /** The same method was chosen before: answer with what exists. */
  | { action: 'reuse' }
  /** Card → Zelle: expire the open Checkout Session at Stripe first, then hold for Zelle. */
  | { action: 'switch'; from: 'checkout_open' };

const LIVE: QuoteStatus[] = ['open', 'checkout_open', 'awaiting_zelle'];

/** True when an unconfirmed quote's time is up. */
export function isLapsed(quote: Pick<Quote, 'status' | 'lapsesAt'>, nowMs: number): boolean {
  return LIVE.includes(quote.status) && Date.parse(quote.lapsesAt) <= nowMs;
}

/**
 * Choosing a payment method: from `open` either; the method chosen before answers the same again.
 * Card → Zelle switches (an open Checkout Session can be expired at Stripe, so it cannot be paid
 * as well); Zelle → card does not (a sent transfer cannot be recalled: two payments would follow).
 * A confirmed or an expired quote → conflict.
 */
export function decideCheckout(quote: Quote, method: PaymentMethod, nowMs: number): CheckoutDecision {
  if (quote.status === 'confirmed')
    throw new QuoteStateError(quote.status, 'This quote is already paid and confirmed.');
  if (quote.status === 'expired' || isLapsed(quote, nowMs))
    throw new QuoteStateError('expired', 'This quote has expired; ask for a new one.');
  if (quote.status === 'open') return { action: 'open', from: 'open' };
  const current: PaymentMethod = quote.status === 'checkout_open' ? 'stripe' : 'zelle';
  if (current === 'stripe' && method === 'zelle') return { action: 'switch', from: 'checkout_open' };
  if (current !== method)
    throw new QuoteStateError(
      quote.status,
      `This quote is waiting for a ${current === 'stripe' ? 'card payment' : 'Zelle payment'}; it cannot switch to ${method}.`,
    );
  return { action: 'reuse' };
}

/** What a confirmation attempt does. */
export type ConfirmDecision =
  | { action: 'confirm'; from: QuoteStatus }
  /** Already confirmed the same way: answer with the existing job (a replay). */
  | { action: 'already'; jobId: string }
  /** Confirmed another way before: money came twice, ops must look (card after Zelle). */
  | { action: 'conflict'; reason: string };

/**
 * One rule for both methods. A card payment confirms from any unconfirmed state — even `expired`,
 * because Stripe took the money (the expiry sweep expires open sessions first, so this is the
 * customer who paid in the last seconds). An admin's Zelle confirmation needs the customer to have
 * chosen Zelle (`awaiting_zelle`, or a Zelle hold that lapsed before the money was seen).
 */
export function decideConfirm(quote: Quote, method: PaymentMethod): ConfirmDecision {
  if (quote.status === 'confirmed') {
    if (quote.paymentMethod === method && quote.jobId) return { action: 'already', jobId: quote.jobId };
    return { action: 'conflict', reason: `already confirmed by ${quote.paymentMethod ?? 'another method'}` };
  }
  if (method === 'stripe') return { action: 'confirm', from: quote.status };
  if (quote.status === 'awaiting_zelle' || (quote.status === 'expired' && quote.paymentMethod === 'zelle'))
    return { action: 'confirm', from: quote.status };
  return { action: 'conflict', reason: 'the customer has not chosen Zelle for this quote' };
}

/** The counter deltas of a status change (`bookings.awaiting_zelle` follows the Zelle holds). */
export function awaitingZelleDelta(from: QuoteStatus, to: QuoteStatus): number {
  return (to === 'awaiting_zelle' ? 1 : 0) - (from === 'awaiting_zelle' ? 1 : 0);
}

/** The deterministic job id of a quote: a second confirmation can only ever find the same job. */
export function jobIdForQuote(quoteId: string): string {
  return `job-${quoteId.toLowerCase()}`;
}
