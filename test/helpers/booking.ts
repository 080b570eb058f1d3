import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import Stripe from 'stripe';
import { createAwsClients } from '../../lib/aws/clients.ts';
import { CounterRepository } from '../../lib/repo/counters.ts';
import type { LocalStack } from './local-stack.ts';

/** A valid `POST /book-quote` body (delivery next week). */
export function quoteRequest(overrides: Record<string, unknown> = {}) {
  const date = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  return {
    dumpster_size: '20yd',
    rental_days: 10,
    delivery: { address: '1500 Market St', zip: '19102', date },
    debris_type: 'roofing',
    contact: { name: 'Pat Roofer', email: 'pat@example.com', phone: '+1 215 555 0100' },
    ...overrides,
  };
}

/** Asks for a quote without a token; returns the answer body. */
export async function bookQuote(stack: LocalStack, overrides: Record<string, unknown> = {}) {
  const out = await stack.call('POST', '/book-quote', { body: quoteRequest(overrides) });
  if (out.status !== 200) throw new Error(`book-quote: ${out.status} ${JSON.stringify(out.body)}`);
  return out.body as {
    quote_id: string;
    customer_id: string;
    customer_token: string;
    price: { total_cents: number };
  };
}

/** Signs a webhook payload as Stripe does, with the runtime's secret (or another). */
export async function signedWebhook(
  stack: LocalStack,
  event: unknown,
  options: { secret?: string; timestamp?: number; payload?: string } = {},
) {
  const info = await stack.call('GET', '/dev/info');
  const payload = options.payload ?? JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? info.body.stripe.webhook_secret,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
  return { payload, header };
}

/** Posts a raw webhook body with a signature header (or none). */
export async function postWebhook(stack: LocalStack, payload: string, header?: string) {
  const res = await fetch(`${stack.api}/stripe/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(header ? { 'stripe-signature': header } : {}) },
    body: payload,
  });
  return { status: res.status, body: await res.json() };
}

/** A `checkout.session.completed` event for a quote, paid, with the given amount and currency. */
export function completedEvent(
  quoteId: string,
  amount: number,
  options: { id?: string; sessionId?: string; currency?: string; type?: string; paymentStatus?: string } = {},
) {
  return {
    id: options.id ?? `evt_test_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    type: options.type ?? 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: options.sessionId ?? `cs_test_${Math.random().toString(36).slice(2)}`,
        object: 'checkout.session',
        client_reference_id: quoteId,
        metadata: { quote_id: quoteId },
        payment_status: options.paymentStatus ?? 'paid',
        status: 'complete',
        amount_total: amount,
        currency: options.currency ?? 'usd',
        payment_intent: 'pi_test_1',
      },
    },
  };
}

/** Moves a quote's lapse time into the past, as if its time were up (the sweep then expires it). */
export async function lapse(stack: LocalStack, quoteId: string) {
  const { dynamo } = createAwsClients(stack.runtime.functionConfig);
  const past = new Date(Date.now() - 1000).toISOString();
  await dynamo.send(
    new UpdateCommand({
      TableName: stack.runtime.functionConfig.tableName,
      Key: { pk: `QUOTE#${quoteId}`, sk: 'QUOTE' },
      UpdateExpression: 'SET lapsesAt = :past, gsi1sk = :gsk',
      ExpressionAttributeValues: { ':past': past, ':gsk': `${past}#${quoteId}` },
    }),
  );
  dynamo.destroy();
}

/** The kept counters ops reads. */
export async function counters(stack: LocalStack): Promise<Record<string, number>> {
  const { dynamo } = createAwsClients(stack.runtime.functionConfig);
  const out = await new CounterRepository(dynamo, stack.runtime.functionConfig.tableName).read();
  dynamo.destroy();
  return out;
}
