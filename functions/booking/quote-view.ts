import type { Quote } from '../../lib/booking/quote.ts';
import { isLapsed } from '../../lib/booking/quote-state.ts';
import { siteFromPhotos } from '../../lib/booking/site-location.ts';
import type { Photo } from '../../lib/repo/photo.ts';

/** The tracking page of a quote (before a job exists its photos live under `quote-{id}`). */
export const trackingUrl = (publicUrl: string, quoteId: string) => `${publicUrl}/track/quote-${quoteId}`;

/** A quote as the API shows it (snake_case; a lapsed quote reads as `expired` before the sweep). */
export function quoteView(quote: Quote, photos: Photo[], nowMs: number, publicUrl: string) {
  const r = quote.request;
  return {
    quote_id: quote.quoteId,
    status: isLapsed(quote, nowMs) ? 'expired' : quote.status,
    customer_id: quote.customerId,
    payment_method: quote.paymentMethod,
    dumpster_size: r.dumpsterSize,
    rental_days: r.rentalDays,
    debris_type: r.debrisType,
    delivery: r.delivery,
    price: quote.price,
    created_at: quote.createdAt,
    expires_at: quote.lapsesAt,
    photo_ids: photos.map((p) => p.photoId),
    // The site from the photos, with its source, until the address can be geocoded.
    site: siteFromPhotos(photos),
    job_id: quote.jobId ?? null,
    checkout:
      quote.status === 'checkout_open' && quote.stripe
        ? { session_id: quote.stripe.sessionId, checkout_url: quote.stripe.checkoutUrl }
        : null,
    zelle: quote.zelle
      ? { recipient: quote.zelle.recipient, amount_cents: quote.price.total_cents, memo: quote.zelle.memo }
      : null,
    tracking_url: trackingUrl(publicUrl, quote.quoteId),
  };
}
