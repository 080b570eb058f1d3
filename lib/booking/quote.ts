import type { DebrisType, DumpsterSize } from './catalogue.ts';
import type { Price } from './pricing.ts';

/** Where a quote is (API.md › Booking). */
export const QUOTE_STATUSES = ['open', 'checkout_open', 'awaiting_zelle', 'confirmed', 'expired'] as const;

/** One of {@link QUOTE_STATUSES}. */
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

/** How a quote is paid. */
export type PaymentMethod = 'stripe' | 'zelle';

/** A site position and where it came from. */
export interface SiteLocation {
  lat: number;
  lon: number;
  source: 'exif' | 'device';
  photo_id: string;
  accuracy_m?: number | null;
}

/** A quote as stored (one item, `QUOTE#{id}`). */
export interface Quote {
  quoteId: string;
  customerId: string;
  status: QuoteStatus;
  createdAt: string;
  /**
   * When an open quote or a Zelle hold lapses (ISO). Not `expiresAt`: that name is the table's TTL
   * attribute, and a quote must not vanish when it lapses.
   */
  lapsesAt: string;
  request: {
    dumpsterSize: DumpsterSize;
    rentalDays: number;
    debrisType: DebrisType;
    delivery: { address: string; zip: string; date: string };
    contact: { name: string; email: string; phone: string };
  };
  price: Price;
  paymentMethod: PaymentMethod | null;
  stripe?: { sessionId: string; checkoutUrl: string; attempt: number; expiresAt?: string };
  zelle?: { memo: string; recipient: string };
  jobId?: string;
  confirmedAt?: string;
  confirmedBy?: string;
  /** How the confirmation was paid: the Stripe session/payment or the admin who saw the Zelle. */
  payment?: Record<string, unknown>;
  /** Paid sessions that did not match, kept for ops. */
  problems?: Array<{ eventId: string; reason: string; at: string }>;
  /** Incremented per Checkout Session opened: the idempotency key of the next one. */
  checkoutAttempts?: number;
  eventSent?: boolean;
}
