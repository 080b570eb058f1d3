import type { Quote } from '../booking/quote.ts';
import type { QuoteRepository } from '../repo/quotes.ts';
import { InvalidListCursorError } from './errors.ts';

/** A quote awaiting a Zelle transfer as `GET /ops/zelle` lists it: what to look for in the bank. */
export interface AwaitingZelle {
  quote_id: string;
  memo: string;
  amount_cents: number;
  currency: string;
  customer_id: string;
  customer_name: string;
  customer_email: string;
  since: string | null;
  lapses_at: string;
}

// The live index's sort value: `{lapsesAt}#{quoteId}`.
const SORT_VALUE = /^[^#]{1,40}#[A-Za-z0-9_-]{1,64}$/;

/** One page of the quotes awaiting Zelle, soonest to lapse first, with the cursor of the next. */
export async function listAwaitingZelle(
  quotes: QuoteRepository,
  options: { limit: number; cursor?: string },
): Promise<{ quotes: AwaitingZelle[]; next_cursor: string | null }> {
  let after: string | undefined;
  if (options.cursor) {
    after = Buffer.from(options.cursor, 'base64url').toString('utf8');
    if (!SORT_VALUE.test(after)) throw new InvalidListCursorError();
  }
  const page = await quotes.listAwaitingZelle(options.limit, after);
  return {
    quotes: page.quotes.map(toApi),
    next_cursor: page.next ? Buffer.from(page.next).toString('base64url') : null,
  };
}

function toApi(q: Quote & { zelleHeldAt?: string }): AwaitingZelle {
  return {
    quote_id: q.quoteId,
    memo: q.zelle?.memo ?? '',
    amount_cents: q.price.total_cents,
    currency: q.price.currency,
    customer_id: q.customerId,
    customer_name: q.request.contact.name,
    customer_email: q.request.contact.email,
    // Holds made before `zelleHeldAt` was recorded have no start time.
    since: q.zelleHeldAt ?? null,
    lapses_at: q.lapsesAt,
  };
}
