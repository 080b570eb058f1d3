import { describe, expect, it } from 'vitest';
import { judgePaidSession, type PaidSessionFacts } from './paid-session.ts';
import type { Quote } from './quote.ts';

const quote = { quoteId: 'Q1', price: { currency: 'usd', total_cents: 31_270 } } as Quote;
const session = (over: Partial<PaidSessionFacts> = {}): PaidSessionFacts => ({
  sessionId: 'cs_1',
  paymentStatus: 'paid',
  clientReferenceId: 'Q1',
  metadataQuoteId: 'Q1',
  amountTotal: 31_270,
  currency: 'usd',
  ...over,
});

describe('judgePaidSession', () => {
  it('accepts a paid session for exactly the quote', () => {
    expect(judgePaidSession(session(), quote)).toEqual({ ok: true });
  });

  it('waits for an unpaid session and names each mismatch', () => {
    expect(judgePaidSession(session({ paymentStatus: 'unpaid' }), quote)).toEqual({
      ok: false,
      unpaid: true,
    });
    expect(judgePaidSession(session({ amountTotal: 100 }), quote)).toMatchObject({
      reason: expect.stringMatching(/amount_total 100/),
    });
    expect(judgePaidSession(session({ currency: 'eur' }), quote)).toMatchObject({
      reason: expect.stringMatching(/currency eur/),
    });
    expect(judgePaidSession(session({ clientReferenceId: 'Q2' }), quote)).toMatchObject({ unpaid: false });
    expect(judgePaidSession(session({ metadataQuoteId: 'Q2' }), quote)).toMatchObject({ unpaid: false });
  });
});
