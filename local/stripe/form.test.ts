import { describe, expect, it } from 'vitest';
import { parseStripeForm } from './form.ts';

describe('parseStripeForm', () => {
  it('rebuilds the nested params the Stripe SDK form-encodes', () => {
    const body =
      'mode=payment&line_items[0][quantity]=1&line_items[0][price_data][unit_amount]=56180&line_items[0][price_data][currency]=usd&metadata[quote_id]=Q1';
    expect(parseStripeForm(body)).toEqual({
      mode: 'payment',
      line_items: [{ quantity: '1', price_data: { unit_amount: '56180', currency: 'usd' } }],
      metadata: { quote_id: 'Q1' },
    });
  });

  it('refuses keys that would reach the prototype', () => {
    expect(() => parseStripeForm('metadata[__proto__][x]=1')).toThrow(/prototype names/);
  });
});
