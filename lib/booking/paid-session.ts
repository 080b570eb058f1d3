import type { Quote } from './quote.ts';

/** The fields of a Checkout Session that decide a confirmation. */
export interface PaidSessionFacts {
  sessionId: string;
  paymentStatus: string | null;
  clientReferenceId: string | null;
  metadataQuoteId: string | null;
  amountTotal: number | null;
  currency: string | null;
}

/** Whether a completed session pays this quote: `ok`, `unpaid` (async methods, wait), or why not. */
export type SessionVerdict =
  | { ok: true }
  | { ok: false; unpaid: true }
  | { ok: false; unpaid: false; reason: string };

/**
 * A completed session confirms only when it is paid and pays exactly this quote: the quote id in
 * `client_reference_id` (and metadata, when present), the total and the currency. The amount is
 * the server's, never the client's: a session made elsewhere for less is refused here.
 */
export function judgePaidSession(session: PaidSessionFacts, quote: Quote): SessionVerdict {
  if (session.paymentStatus !== 'paid') return { ok: false, unpaid: true };
  if (session.clientReferenceId !== quote.quoteId)
    return {
      ok: false,
      unpaid: false,
      reason: `client_reference_id ${session.clientReferenceId} is not the quote`,
    };
  if (session.metadataQuoteId !== null && session.metadataQuoteId !== quote.quoteId)
    return {
      ok: false,
      unpaid: false,
      reason: `metadata.quote_id ${session.metadataQuoteId} is not the quote`,
    };
  if (session.currency !== quote.price.currency)
    return {
      ok: false,
      unpaid: false,
      reason: `currency ${session.currency} instead of ${quote.price.currency}`,
    };
  if (session.amountTotal !== quote.price.total_cents)
    return {
      ok: false,
      unpaid: false,
      reason: `amount_total ${session.amountTotal} instead of ${quote.price.total_cents}`,
    };
  return { ok: true };
}
