import { describe, expect, it } from 'vitest';
import { type PriceTable, priceTable } from './catalogue.ts';
import { UnpriceableError } from './errors.ts';
import { priceQuote } from './pricing.ts';

describe('priceQuote', () => {
  it('prices a base rental within the included days: one line, 6 % tax', () => {
    // Act
    const price = priceQuote({ dumpsterSize: '10yd', rentalDays: 7, debrisType: 'household' }, priceTable);
    // Assess
    expect(price).toEqual({
      currency: 'usd',
      lines: [{ code: 'base', label: '10 yd dumpster, 7 days included', amount_cents: 29_500 }],
      subtotal_cents: 29_500,
      tax_cents: 1_770,
      total_cents: 31_270,
    });
  });

  it('adds extra days at the size rate and the debris surcharge, itemized', () => {
    const price = priceQuote({ dumpsterSize: '20yd', rentalDays: 10, debrisType: 'roofing' }, priceTable);
    expect(price.lines).toEqual([
      { code: 'base', label: '20 yd dumpster, 7 days included', amount_cents: 39_500 },
      { code: 'extra_days', label: '3 extra days × $20.00', amount_cents: 6_000 },
      { code: 'debris_surcharge', label: 'Roofing debris surcharge', amount_cents: 7_500 },
    ]);
    expect(price.subtotal_cents).toBe(53_000);
    expect(price.tax_cents).toBe(3_180);
    expect(price.total_cents).toBe(56_180);
  });

  it.each([
    ['30yd', 10, 'construction', 47_500 + 5_000],
    ['30yd', 11, 'yard', 47_500 + 2_000],
    ['40yd', 30, 'household', 54_500 + 20 * 2_500],
    ['15yd', 1, 'concrete', 34_500 + 10_000],
  ] as const)('%s for %i days of %s has subtotal %i', (size, days, debris, subtotal) => {
    const price = priceQuote({ dumpsterSize: size, rentalDays: days, debrisType: debris }, priceTable);
    expect(price.subtotal_cents).toBe(subtotal);
    expect(price.total_cents).toBe(price.subtotal_cents + price.tax_cents);
    expect(Number.isInteger(price.tax_cents)).toBe(true);
  });

  it('rounds tax half up to the cent with integer arithmetic', () => {
    // 1 250 cents at 6 % = 75.00; 1 258 cents = 75.48 → 75; 1 259 → 75.54 → 76; 1 275 → 76.5 → 77
    const table = (base: number): PriceTable => ({
      ...priceTable,
      sizes: { ...priceTable.sizes, '10yd': { ...priceTable.sizes['10yd'], baseCents: base } },
    });
    const tax = (base: number) =>
      priceQuote({ dumpsterSize: '10yd', rentalDays: 1, debrisType: 'household' }, table(base)).tax_cents;
    expect([tax(1_250), tax(1_258), tax(1_259), tax(1_275)]).toEqual([75, 75, 76, 77]);
  });

  it('refuses concrete in a large dumpster and days outside 1–30, saying what it expected', () => {
    expect(() =>
      priceQuote({ dumpsterSize: '40yd', rentalDays: 3, debrisType: 'concrete' }, priceTable),
    ).toThrow(/needs a 10yd or 15yd dumpster but received 40yd/);
    for (const days of [0, 31, 2.5]) {
      expect(() =>
        priceQuote({ dumpsterSize: '10yd', rentalDays: days, debrisType: 'yard' }, priceTable),
      ).toThrow(UnpriceableError);
    }
  });
});
