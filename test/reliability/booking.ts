import Stripe from 'stripe';
import { call } from './client.ts';

/** A public quote with a card checkout open on the stand-in; returns its id, total and token. */
export async function openCardQuote(api: string) {
  const date = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  const quote = await call(api, 'POST', '/book-quote', {
    body: {
      dumpster_size: '20yd',
      rental_days: 10,
      delivery: { address: '1500 Market St', zip: '19102', date },
      debris_type: 'roofing',
      contact: { name: 'Pat Roofer', email: 'pat@example.com', phone: '+1 215 555 0100' },
    },
  });
  if (quote.status !== 200) throw new Error(`book-quote: ${quote.status} ${quote.text}`);
  const { quote_id: id, customer_token: customer, price } = quote.body;
  const checkout = await call(api, 'POST', `/quotes/${id}/checkout`, {
    token: customer,
    body: { payment_method: 'stripe' },
  });
  if (checkout.status !== 200) throw new Error(`checkout: ${checkout.status} ${checkout.text}`);
  return {
    id: id as string,
    total: price.total_cents as number,
    customer: customer as string,
    session: checkout.body.session_id as string,
  };
}

/** A `checkout.session.completed` event as Stripe sends it. */
export function completedEvent(quoteId: string, amount: number, eventId: string, sessionId: string) {
  return {
    id: eventId,
    object: 'event',
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: sessionId,
        object: 'checkout.session',
        client_reference_id: quoteId,
        metadata: { quote_id: quoteId },
        payment_status: 'paid',
        status: 'complete',
        amount_total: amount,
        currency: 'usd',
        payment_intent: 'pi_test_1',
      },
    },
  };
}

/** The stand-in's webhook secret (from `/dev/info`). */
export async function webhookSecret(api: string): Promise<string> {
  return (await call(api, 'GET', '/dev/info')).body.stripe.webhook_secret as string;
}

/** Signs `payload` as Stripe does (`timestamp` in seconds, default now). */
export function sign(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });
}

/** Posts a raw webhook body with its signature header. */
export function postWebhook(api: string, payload: string, header?: string) {
  return call(api, 'POST', '/stripe/webhook', {
    raw: payload,
    ...(header ? { headers: { 'stripe-signature': header } } : {}),
  });
}
