import Stripe from 'stripe';
import type { Quote } from '../../lib/booking/quote.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { CheckoutRaceError } from './errors.ts';

/** Stripe's own default, and never 0 (0 accepts any age): a signed event older than this is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The few Stripe calls booking makes, through the real SDK. */
export interface StripeGateway {
  /** Opens a Checkout Session for the quote's total; one per quote and attempt (idempotency key). */
  createSession(
    quote: Quote,
    attempt: number,
    urls: { success: string; cancel: string },
    expiresAt: number,
  ): Promise<{ id: string; url: string; expiresAt: number }>;
  /** Expires an open session; answers the session's status when it was no longer open. */
  expireSession(sessionId: string): Promise<'expired' | 'complete' | 'open'>;
  /** Reads a session back (the sweep confirms a paid one whose webhook never came). */
  retrieveSession(sessionId: string): Promise<Stripe.Checkout.Session>;
  /** Verifies `Stripe-Signature` on the raw body and returns the event, or throws 400 `invalid_signature`. */
  verifyWebhook(rawBody: Buffer, signature: string | undefined, nowSeconds: number): Stripe.Event;
}

/** Builds the gateway; `apiUrl` points the SDK at another host (the local stand-in). */
export function createStripeGateway(settings: {
  secretKey: string;
  webhookSecret: string;
  apiUrl?: string;
}): StripeGateway {
  const endpoint = settings.apiUrl ? new URL(settings.apiUrl) : null;
  const stripe = new Stripe(settings.secretKey, {
    maxNetworkRetries: 2,
    timeout: 8_000,
    ...(endpoint
      ? {
          host: endpoint.hostname,
          port: endpoint.port,
          protocol: endpoint.protocol.replace(':', '') as 'http' | 'https',
        }
      : {}),
  });
  return {
    async createSession(quote, attempt, urls, expiresAt) {
      const r = quote.request;
      const session = await stripe.checkout.sessions
        .create(
          {
            mode: 'payment',
            client_reference_id: quote.quoteId,
            metadata: { quote_id: quote.quoteId },
            payment_intent_data: { metadata: { quote_id: quote.quoteId } },
            customer_email: r.contact.email,
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: quote.price.currency,
                  // The quote's total, tax included: the amount never comes from the client.
                  unit_amount: quote.price.total_cents,
                  product_data: {
                    name: `Dumpster rental: ${r.dumpsterSize}, ${r.rentalDays} days from ${r.delivery.date}`,
                    description: quote.price.lines.map((l) => l.label).join(' · '),
                  },
                },
              },
            ],
            success_url: urls.success,
            cancel_url: urls.cancel,
            expires_at: expiresAt,
          },
          { idempotencyKey: `quote-${quote.quoteId}-checkout-${attempt}` },
        )
        .catch((error: unknown) => {
          if (error instanceof Stripe.errors.StripeIdempotencyError)
            throw new CheckoutRaceError(quote.quoteId, { cause: error });
          throw error;
        });
      if (!session.url)
        throw new Error(`Expected a Checkout URL for session ${session.id} but received none`);
      return { id: session.id, url: session.url, expiresAt: session.expires_at };
    },
    async expireSession(sessionId): Promise<'expired' | 'complete' | 'open'> {
      try {
        await stripe.checkout.sessions.expire(sessionId);
        return 'expired';
      } catch (error) {
        if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
        // Only open sessions can be expired: say what it is instead.
        const { status } = await stripe.checkout.sessions.retrieve(sessionId);
        if (status === 'complete') return 'complete';
        return status === 'expired' ? 'expired' : 'open';
      }
    },
    retrieveSession: (sessionId) => stripe.checkout.sessions.retrieve(sessionId),
    verifyWebhook(rawBody, signature, nowSeconds) {
      if (!signature) throw new HttpError('invalid_signature', 'Expected a Stripe-Signature header.');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(
          rawBody,
          signature,
          settings.webhookSecret,
          WEBHOOK_TOLERANCE_SECONDS,
        );
      } catch (error) {
        throw new HttpError('invalid_signature', 'The Stripe signature does not verify for this body.', {
          cause: error,
        });
      }
      // The SDK accepts a timestamp from the future; a replay window must close both ways.
      const t = Number(/(?:^|,)t=(\d+)/.exec(signature)?.[1]);
      if (!Number.isFinite(t) || t > nowSeconds + WEBHOOK_TOLERANCE_SECONDS)
        throw new HttpError('invalid_signature', 'The Stripe signature timestamp is in the future.');
      return event;
    },
  };
}
