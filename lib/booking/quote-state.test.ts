import { describe, expect, it } from 'vitest';
import { QuoteStateError } from './errors.ts';
import type { Quote } from './quote.ts';
import { awaitingZelleDelta, decideCheckout, decideConfirm, isLapsed, jobIdForQuote } from './quote-state.ts';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const quote = (overrides: Partial<Quote> = {}): Quote =>
  ({
    quoteId: '01JQ0000000000000000000000',
    customerId: 'cust-1',
    status: 'open',
    createdAt: '2026-12-02T11:00:00Z',
    lapsesAt: '2026-12-03T11:00:00Z',
    paymentMethod: null,
    ...overrides,
  }) as Quote;

describe('decideCheckout', () => {
  it('opens either method from open, and reuses the method already chosen', () => {
    expect(decideCheckout(quote(), 'stripe', NOW)).toEqual({ action: 'open', from: 'open' });
    expect(decideCheckout(quote(), 'zelle', NOW)).toEqual({ action: 'open', from: 'open' });
    expect(decideCheckout(quote({ status: 'checkout_open' }), 'stripe', NOW)).toEqual({ action: 'reuse' });
    expect(decideCheckout(quote({ status: 'awaiting_zelle' }), 'zelle', NOW)).toEqual({ action: 'reuse' });
  });

  it('switches card → Zelle (the session can be expired) but never Zelle → card', () => {
    expect(decideCheckout(quote({ status: 'checkout_open' }), 'zelle', NOW)).toEqual({
      action: 'switch',
      from: 'checkout_open',
    });
    expect(() => decideCheckout(quote({ status: 'awaiting_zelle' }), 'stripe', NOW)).toThrow(/cannot switch/);
  });

  it.each([
    ['confirmed', 'stripe', {}],
    ['expired', 'zelle', {}],
    ['awaiting_zelle', 'stripe', {}],
    ['open', 'stripe', { lapsesAt: '2026-12-02T11:59:59Z' }],
  ] as const)('refuses %s → %s', (status, method, extra) => {
    expect(() => decideCheckout(quote({ status, ...extra }), method, NOW)).toThrow(QuoteStateError);
  });
});

describe('decideConfirm', () => {
  it('confirms a card payment from every unconfirmed state, expired included (the money was taken)', () => {
    for (const status of ['open', 'checkout_open', 'awaiting_zelle', 'expired'] as const) {
      expect(decideConfirm(quote({ status }), 'stripe')).toEqual({ action: 'confirm', from: status });
    }
  });

  it('confirms Zelle only when the customer chose it', () => {
    expect(decideConfirm(quote({ status: 'awaiting_zelle' }), 'zelle').action).toBe('confirm');
    expect(decideConfirm(quote({ status: 'expired', paymentMethod: 'zelle' }), 'zelle').action).toBe(
      'confirm',
    );
    expect(decideConfirm(quote({ status: 'open' }), 'zelle').action).toBe('conflict');
    expect(decideConfirm(quote({ status: 'expired', paymentMethod: 'stripe' }), 'zelle').action).toBe(
      'conflict',
    );
  });

  it('answers a replay with the same job and a confirmation by the other method as a conflict', () => {
    const done = quote({ status: 'confirmed', paymentMethod: 'stripe', jobId: 'job-x' });
    expect(decideConfirm(done, 'stripe')).toEqual({ action: 'already', jobId: 'job-x' });
    expect(decideConfirm(done, 'zelle').action).toBe('conflict');
  });
});

describe('helpers', () => {
  it('counts Zelle holds in and out', () => {
    expect(awaitingZelleDelta('open', 'awaiting_zelle')).toBe(1);
    expect(awaitingZelleDelta('awaiting_zelle', 'confirmed')).toBe(-1);
    expect(awaitingZelleDelta('awaiting_zelle', 'expired')).toBe(-1);
    expect(awaitingZelleDelta('checkout_open', 'confirmed')).toBe(0);
  });

  it('lapses live quotes past their time only', () => {
    expect(isLapsed(quote({ lapsesAt: '2026-12-02T12:00:00Z' }), NOW)).toBe(true);
    expect(isLapsed(quote({ status: 'confirmed', lapsesAt: '2026-12-01T00:00:00Z' }), NOW)).toBe(false);
  });

  it('derives one job id per quote, valid as a job id', () => {
    expect(jobIdForQuote('01JQ0000000000000000000000')).toBe('job-01jq0000000000000000000000');
  });
});
