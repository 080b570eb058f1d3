import type { DebrisType, DumpsterSize, PriceTable } from './catalogue.ts';
import { UnpriceableError } from './errors.ts';

/** What a price depends on. */
export interface PriceRequest {
  dumpsterSize: DumpsterSize;
  rentalDays: number;
  debrisType: DebrisType;
}

/** One itemized line (integer cents). */
export interface PriceLine {
  code: 'base' | 'extra_days' | 'debris_surcharge';
  label: string;
  amount_cents: number;
}

/** An itemized price, as the API shows it. */
export interface Price {
  currency: 'usd';
  lines: PriceLine[];
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
}

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/**
 * Prices a rental from the table: base by size (with its included days), extra days at the size's
 * rate, the debris surcharge, then tax on the subtotal, rounded half up to the cent. All integer
 * arithmetic: no float ever touches an amount.
 */
export function priceQuote(request: PriceRequest, table: PriceTable): Price {
  const size = table.sizes[request.dumpsterSize];
  const debris = table.debris[request.debrisType];
  if (
    !Number.isInteger(request.rentalDays) ||
    request.rentalDays < 1 ||
    request.rentalDays > table.maxRentalDays
  )
    throw new UnpriceableError(
      `Expected 1 to ${table.maxRentalDays} rental days but received ${request.rentalDays}.`,
    );
  if (debris.sizes && !debris.sizes.includes(request.dumpsterSize))
    throw new UnpriceableError(
      `${debris.label} needs a ${debris.sizes.join(' or ')} dumpster but received ${request.dumpsterSize}.`,
    );
  const lines: PriceLine[] = [
    {
      code: 'base',
      label: `${size.label}, ${size.includedDays} days included`,
      amount_cents: size.baseCents,
    },
  ];
  const extraDays = Math.max(0, request.rentalDays - size.includedDays);
  if (extraDays > 0)
    lines.push({
      code: 'extra_days',
      label: `${extraDays} extra day${extraDays === 1 ? '' : 's'} × ${dollars(size.extraDayCents)}`,
      amount_cents: extraDays * size.extraDayCents,
    });
  if (debris.surchargeCents > 0)
    lines.push({ code: 'debris_surcharge', label: debris.label, amount_cents: debris.surchargeCents });
  const subtotal = lines.reduce((sum, line) => sum + line.amount_cents, 0);
  const tax = Math.floor((subtotal * table.taxBasisPoints + 5_000) / 10_000);
  return {
    currency: table.currency,
    lines,
    subtotal_cents: subtotal,
    tax_cents: tax,
    total_cents: subtotal + tax,
  };
}
