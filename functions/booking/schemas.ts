import { z } from 'zod';
import { DEBRIS_TYPES, DUMPSTER_SIZES } from '../../lib/booking/catalogue.ts';

/** Body of `POST /book-quote` (API.md › Booking). */
export const bookQuoteRequest = z.object({
  dumpster_size: z.enum(DUMPSTER_SIZES),
  rental_days: z.number().int().min(1).max(30),
  delivery: z.object({
    address: z.string().trim().min(5, 'expected a street address').max(200),
    zip: z.string().regex(/^\d{5}(-\d{4})?$/, 'expected a US ZIP code like 19107'),
    date: z.iso.date('expected a date YYYY-MM-DD'),
  }),
  debris_type: z.enum(DEBRIS_TYPES),
  contact: z.object({
    name: z.string().trim().min(1).max(100),
    email: z.email('expected an email address').max(200),
    phone: z.string().regex(/^\+?[0-9 ().-]{7,20}$/, 'expected a phone number'),
  }),
});

/** The parsed quote request. */
export type BookQuoteRequest = z.infer<typeof bookQuoteRequest>;

/** Body of `POST /quotes/{quote_id}/checkout`. */
export const checkoutRequest = z.object({ payment_method: z.enum(['stripe', 'zelle']) });

/** Path parameters naming a quote (ULIDs). */
export const quotePath = z.object({
  quote_id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a quote id'),
});

/** Body of `POST /tracking/token`: the signed link from a tracking URL's `#link=` fragment. */
export const trackingTokenRequest = z.object({ link: z.string().min(1).max(4096) });
