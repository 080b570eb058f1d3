import type { Caller } from '../../lib/auth/caller.ts';
import type { Quote } from '../../lib/booking/quote.ts';
import { HttpError } from '../../lib/http/errors.ts';
import type { QuoteRepository } from '../../lib/repo/quotes.ts';

/**
 * Loads a quote the caller may act on: its own customer, or an admin when `admin` allows it.
 * Not-yours and does-not-exist answer alike (403) except to an admin, as presign does for jobs.
 */
export async function loadOwnQuote(
  caller: Caller,
  quoteId: string,
  quotes: QuoteRepository,
  options: { admin: boolean },
): Promise<Quote> {
  const quote = await quotes.get(quoteId);
  const isAdmin = options.admin && caller.role === 'admin';
  if (isAdmin && !quote) throw new HttpError('not_found', `There is no quote "${quoteId}".`);
  if (quote && (isAdmin || (caller.role === 'customer' && quote.customerId === caller.sub))) return quote;
  throw new HttpError('forbidden', `You do not have access to quote "${quoteId}".`);
}
