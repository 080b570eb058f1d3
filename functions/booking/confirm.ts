import type { PaymentMethod, Quote } from '../../lib/booking/quote.ts';
import { decideConfirm, jobIdForQuote } from '../../lib/booking/quote-state.ts';
import { siteFromPhotos } from '../../lib/booking/site-location.ts';
import { emitEvent } from '../../lib/events/domain-events.ts';
import type { Job } from '../../lib/repo/job-item.ts';
import type { BookingDeps } from './deps.ts';
import { quotePhotos } from './quote-photos.ts';

/** How a payment was seen: by Stripe (with the event that said so) or by an admin (Zelle). */
export interface PaymentSeen {
  method: PaymentMethod;
  confirmedBy: string;
  details: Record<string, unknown>;
  /** The webhook event applied by this confirmation (its mark is written in the same transaction). */
  eventId?: string;
}

/** What a confirmation ended in. */
export type ConfirmOutcome =
  | { kind: 'confirmed'; quote: Quote; jobId: string; fresh: boolean }
  | { kind: 'conflict'; quote: Quote; reason: string }
  | { kind: 'not_found' };

const ATTEMPTS = 4;

/** The detail of `booking.confirmed` on the bus. */
export interface BookingConfirmedDetail {
  quote_id: string;
  job_id: string;
  customer_id: string;
  payment_method: PaymentMethod;
  total_cents: number;
  currency: string;
}

/**
 * The one confirmation path for card and Zelle: decide from the quote's state, then in one
 * transaction move the quote to `confirmed` (conditional on the state decided from), create the
 * job (its id derived from the quote, so it can only be created once), adjust the counters and
 * mark the webhook event applied. A lost race re-reads and finds the winner's job. The job reads
 * the quote's photos in place (job.quoteId), so nothing is copied and photos still in the
 * pipeline arrive by themselves. `booking.confirmed` is emitted after the commit and marked sent;
 * a replay emits it again only when that mark is missing (at least once; consumers key on quote_id).
 */
export async function confirmQuote(
  deps: BookingDeps,
  quoteId: string,
  payment: PaymentSeen,
): Promise<ConfirmOutcome> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const quote = await deps.quotes.get(quoteId);
    if (!quote) return { kind: 'not_found' };
    const decision = decideConfirm(quote, payment.method);
    if (decision.action === 'conflict') return { kind: 'conflict', quote, reason: decision.reason };
    if (decision.action === 'already') {
      if (!quote.eventSent) await emitConfirmed(deps, quote, decision.jobId, payment.method);
      return { kind: 'confirmed', quote, jobId: decision.jobId, fresh: false };
    }
    const nowMs = deps.now();
    const job = jobFromQuote(quote, siteFromPhotos(await quotePhotos(deps.photos, quoteId)), nowMs);
    const won = await deps.quotes.confirm({
      quote,
      from: decision.from,
      job,
      method: payment.method,
      confirmedBy: payment.confirmedBy,
      payment: payment.details,
      nowMs,
      ...(payment.eventId ? { eventId: payment.eventId } : {}),
    });
    if (!won) continue;
    deps.logger.info('quote confirmed', {
      quote_id: quoteId,
      job_id: job.jobId,
      method: payment.method,
      from: decision.from,
      site_source: job.siteSource?.source ?? null,
    });
    await emitConfirmed(deps, quote, job.jobId, payment.method);
    return {
      kind: 'confirmed',
      quote: { ...quote, status: 'confirmed', jobId: job.jobId },
      jobId: job.jobId,
      fresh: true,
    };
  }
  throw new Error(`Expected to confirm quote ${quoteId} within ${ATTEMPTS} attempts but it kept changing`);
}

function jobFromQuote(quote: Quote, site: ReturnType<typeof siteFromPhotos>, nowMs: number): Job {
  const r = quote.request;
  return {
    jobId: jobIdForQuote(quote.quoteId),
    customerId: quote.customerId,
    crewIds: [],
    address: `${r.delivery.address}, ${r.delivery.zip}`,
    site: site ? { lat: site.lat, lon: site.lon } : null,
    siteSource: site ? { source: site.source, photoId: site.photo_id } : null,
    dumpsterSize: r.dumpsterSize,
    status: 'scheduled',
    createdAt: new Date(nowMs).toISOString(),
    quoteId: quote.quoteId,
    deliveryDate: r.delivery.date,
    rentalDays: r.rentalDays,
  };
}

async function emitConfirmed(
  deps: BookingDeps,
  quote: Quote,
  jobId: string,
  method: PaymentMethod,
): Promise<void> {
  const detail: BookingConfirmedDetail = {
    quote_id: quote.quoteId,
    job_id: jobId,
    customer_id: quote.customerId,
    payment_method: method,
    total_cents: quote.price.total_cents,
    currency: quote.price.currency,
  };
  // Concurrent deliveries of one payment (webhook retries, replays, Zelle twice) all reach here
  // before the first marks the event sent: one claim, one event. A claim left by a crash lapses
  // after the function's timeout, so a later delivery still emits it (at least once).
  if (!(await deps.quotes.claimConfirmedEvent(quote.quoteId, deps.now(), CONFIRMED_EVENT_LEASE_MS))) return;
  try {
    await emitEvent(deps.events, deps.config.eventBusName, 'booking.confirmed', detail);
  } catch (error) {
    await deps.quotes.releaseConfirmedEvent(quote.quoteId).catch(() => undefined);
    throw error;
  }
  await deps.quotes.markConfirmedEventSent(quote.quoteId);
}

/** Longer than the booking function's timeout (10 s): a live holder is never overtaken. */
const CONFIRMED_EVENT_LEASE_MS = 30_000;
