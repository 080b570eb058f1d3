/** Dumpster sizes the company rents (cubic yards). */
export const DUMPSTER_SIZES = ['10yd', '15yd', '20yd', '30yd', '40yd'] as const;

/** One of {@link DUMPSTER_SIZES}. */
export type DumpsterSize = (typeof DUMPSTER_SIZES)[number];

/** What may go in a dumpster; some kinds cost more to dispose of. */
export const DEBRIS_TYPES = ['household', 'construction', 'yard', 'roofing', 'concrete'] as const;

/** One of {@link DEBRIS_TYPES}. */
export type DebrisType = (typeof DEBRIS_TYPES)[number];

/** One size in the price table. Amounts are integer cents. */
export interface SizePrice {
  label: string;
  baseCents: number;
  includedDays: number;
  extraDayCents: number;
  /** Weight included in the base price; beyond it the landfill's overage rate applies after pickup. */
  weightAllowanceTons: number;
}

/** The price table as data: edit here, nowhere else. */
export interface PriceTable {
  currency: 'usd';
  sizes: Record<DumpsterSize, SizePrice>;
  debris: Record<DebrisType, { label: string; surchargeCents: number; sizes?: DumpsterSize[] }>;
  /** Sales tax in basis points (600 = 6 %), applied to the subtotal and rounded half up. */
  taxBasisPoints: number;
  overageCentsPerTon: number;
  maxRentalDays: number;
}

/** Today's prices (Philadelphia area, 6 % sales tax). */
export const priceTable: PriceTable = {
  currency: 'usd',
  sizes: {
    '10yd': {
      label: '10 yd dumpster',
      baseCents: 29_500,
      includedDays: 7,
      extraDayCents: 1_500,
      weightAllowanceTons: 1.5,
    },
    '15yd': {
      label: '15 yd dumpster',
      baseCents: 34_500,
      includedDays: 7,
      extraDayCents: 1_500,
      weightAllowanceTons: 2,
    },
    '20yd': {
      label: '20 yd dumpster',
      baseCents: 39_500,
      includedDays: 7,
      extraDayCents: 2_000,
      weightAllowanceTons: 3,
    },
    '30yd': {
      label: '30 yd dumpster',
      baseCents: 47_500,
      includedDays: 10,
      extraDayCents: 2_000,
      weightAllowanceTons: 4,
    },
    '40yd': {
      label: '40 yd dumpster',
      baseCents: 54_500,
      includedDays: 10,
      extraDayCents: 2_500,
      weightAllowanceTons: 5,
    },
  },
  debris: {
    household: { label: 'Household debris', surchargeCents: 0 },
    yard: { label: 'Yard waste', surchargeCents: 0 },
    construction: { label: 'Construction debris surcharge', surchargeCents: 5_000 },
    roofing: { label: 'Roofing debris surcharge', surchargeCents: 7_500 },
    // Concrete is heavy: only the small sizes stay within road weight limits when full.
    concrete: { label: 'Concrete disposal surcharge', surchargeCents: 10_000, sizes: ['10yd', '15yd'] },
  },
  taxBasisPoints: 600,
  overageCentsPerTon: 7_500,
  maxRentalDays: 30,
};
