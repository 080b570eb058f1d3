import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookQuote, completedEvent, counters, lapse, postWebhook, signedWebhook } from './helpers/booking.ts';
import { type LocalStack, startLocalStack } from './helpers/local-stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({}, { pollers: false, schedules: false });
});
afterAll(() => stack?.stop());

async function openCheckout() {
  const quote = await bookQuote(stack);
  const token = quote.customer_token;
  const out = await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
    token,
    body: { payment_method: 'stripe' },
  });
  expect(out.status).toBe(200);
  return { quote, token, session: out.body as { checkout_url: string; session_id: string } };
}

const status = async (quoteId: string, token: string) =>
  (await stack.call('GET', `/quotes/${quoteId}`, { token })).body;

describe('Stripe Checkout through the stand-in (real SDK)', () => {
  it('opens one session per quote for the quote total, and pays it on the test page', async () => {
    // Prepare
    const { quote, token, session } = await openCheckout();
    // Act
    const again = await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
      token,
      body: { payment_method: 'stripe' },
    });
    const page = await fetch(session.checkout_url);
    const html = await page.text();
    const sdk = new Stripe(stack.runtime.functionConfig.stripe.secretKey as string, {
      host: '127.0.0.1',
      port: new URL(stack.runtime.functionConfig.stripe.apiUrl as string).port,
      protocol: 'http',
    });
    const before = await sdk.checkout.sessions.retrieve(session.session_id);
    const pay = await fetch(`${session.checkout_url}/pay`, { method: 'POST', redirect: 'manual' });
    // Assess
    const info = await stack.call('GET', '/dev/info');
    expect(info.body.stripe).toEqual({ mode: 'stand-in', webhook_secret: expect.stringMatching(/^whsec_/) });
    expect(again.body).toEqual(session);
    expect(html).toContain('Test payment, no card is charged');
    expect(before).toMatchObject({
      amount_total: quote.price.total_cents,
      currency: 'usd',
      client_reference_id: quote.quote_id,
      metadata: { quote_id: quote.quote_id },
      mode: 'payment',
      status: 'open',
    });
    expect(before.success_url).toContain(`/track/quote-${quote.quote_id}`);
    expect(pay.status).toBe(303);
    const after = await status(quote.quote_id, token);
    expect(after).toMatchObject({ status: 'confirmed', payment_method: 'stripe' });
    expect(after.job_id).toMatch(/^job-/);
    const list = await stack.call('GET', `/list-photos?job_id=${after.job_id}`, { token });
    expect(list.status).toBe(200);
  });

  it('refuses any checkout after payment, and Zelle confirmation after a card payment (409)', async () => {
    const { quote, token, session } = await openCheckout();
    expect(
      (await stack.call('POST', '/dev/stripe/pay', { body: { session_id: session.session_id } })).body,
    ).toMatchObject({
      status: 'complete',
      webhook_status: 200,
    });
    const after = await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
      token,
      body: { payment_method: 'stripe' },
    });
    expect(after.status).toBe(409);
    const admin = await stack.token('admin-demo', 'admin');
    const zelleConfirm = await stack.call('POST', `/quotes/${quote.quote_id}/zelle-received`, {
      token: admin,
    });
    expect(zelleConfirm.status).toBe(409);
    expect(zelleConfirm.body.error.code).toBe('conflict');
  });
});

describe('switching methods', () => {
  it('switches card → Zelle by expiring the session at Stripe; the session can no longer be paid', async () => {
    // Prepare
    const { quote, token, session } = await openCheckout();
    // Act
    const zelle = await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
      token,
      body: { payment_method: 'zelle' },
    });
    const pay = await stack.call('POST', '/dev/stripe/pay', { body: { session_id: session.session_id } });
    const back = await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
      token,
      body: { payment_method: 'stripe' },
    });
    // Assess
    expect(zelle.body).toMatchObject({
      amount_cents: quote.price.total_cents,
      memo: expect.stringMatching(/^QDN-/),
    });
    expect(pay.status).toBe(409);
    expect(back.status).toBe(409); // a Zelle transfer cannot be recalled: no way back to card
    // The stand-in's checkout.session.expired webhook arrives after the switch and changes nothing.
    await new Promise((r) => setTimeout(r, 300));
    expect((await status(quote.quote_id, token)).status).toBe('awaiting_zelle');
  });
});

describe('POST /stripe/webhook verification', () => {
  it.each([
    [
      'tampered body',
      async (id: string, amount: number) => {
        const { payload, header } = await signedWebhook(stack, completedEvent(id, amount));
        return { payload: payload.replace('"paid"', '"paid" '), header };
      },
    ],
    [
      're-serialized JSON',
      async (id: string, amount: number) => {
        const { payload, header } = await signedWebhook(stack, completedEvent(id, amount));
        return { payload: JSON.stringify(JSON.parse(payload), null, 2), header };
      },
    ],
    [
      'wrong secret',
      async (id: string, amount: number) =>
        signedWebhook(stack, completedEvent(id, amount), { secret: 'whsec_wrong0000' }),
    ],
    [
      'missing header',
      async (id: string, amount: number) => ({
        payload: JSON.stringify(completedEvent(id, amount)),
        header: undefined,
      }),
    ],
    [
      'timestamp older than 300 s',
      async (id: string, amount: number) =>
        signedWebhook(stack, completedEvent(id, amount), { timestamp: Math.floor(Date.now() / 1000) - 301 }),
    ],
    [
      'timestamp in the future',
      async (id: string, amount: number) =>
        signedWebhook(stack, completedEvent(id, amount), { timestamp: Math.floor(Date.now() / 1000) + 3600 }),
    ],
  ])('answers a %s with 400 invalid_signature and changes nothing', async (_name, make) => {
    // Prepare
    const { quote, token } = await openCheckout();
    const { payload, header } = await make(quote.quote_id, quote.price.total_cents);
    // Act
    const out = await postWebhook(stack, payload, header);
    // Assess
    expect(out.status).toBe(400);
    expect(out.body.error.code).toBe('invalid_signature');
    expect((await status(quote.quote_id, token)).status).toBe('checkout_open');
  });

  it('accepts the same body base64-encoded as API Gateway may hand it over', async () => {
    const { quote, token } = await openCheckout();
    const { payload, header } = await signedWebhook(
      stack,
      completedEvent(quote.quote_id, quote.price.total_cents),
    );
    const res = await fetch(`${stack.api}/stripe/webhook`, {
      method: 'POST',
      // Not a text type: the local API Gateway passes it base64-encoded, as AWS does for binary.
      headers: { 'content-type': 'application/octet-stream', 'stripe-signature': header },
      body: payload,
    });
    expect(res.status).toBe(200);
    expect((await status(quote.quote_id, token)).status).toBe('confirmed');
  });
});

describe('applying each event once', () => {
  it('makes one job of the same event delivered twice and six times at once', async () => {
    const { quote, token } = await openCheckout();
    const event = completedEvent(quote.quote_id, quote.price.total_cents);
    const { payload, header } = await signedWebhook(stack, event);
    const first = await postWebhook(stack, payload, header);
    const second = await postWebhook(stack, payload, header);
    expect([first.status, second.status]).toEqual([200, 200]);
    const done = await status(quote.quote_id, token);

    const race = await bookQuote(stack);
    const raceEvent = completedEvent(race.quote_id, race.price.total_cents);
    const signed = await signedWebhook(stack, raceEvent);
    const outs = await Promise.all(
      Array.from({ length: 6 }, () => postWebhook(stack, signed.payload, signed.header)),
    );
    expect(outs.map((o) => o.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const raced = await status(race.quote_id, race.customer_token);
    expect(raced).toMatchObject({ status: 'confirmed', job_id: `job-${race.quote_id.toLowerCase()}` });
    expect(done.job_id).toBe(`job-${quote.quote_id.toLowerCase()}`);
    // Two different events for the same quote (Stripe resends with a new id): still one job.
    const other = await signedWebhook(stack, completedEvent(race.quote_id, race.price.total_cents));
    expect((await postWebhook(stack, other.payload, other.header)).status).toBe(200);
    expect((await status(race.quote_id, race.customer_token)).job_id).toBe(raced.job_id);
  });

  it('does not confirm a paid session whose amount or currency differs, and counts it once', async () => {
    const { quote, token } = await openCheckout();
    const before = (await counters(stack))['bookings.payment_mismatch'] ?? 0;
    const cheap = await signedWebhook(stack, completedEvent(quote.quote_id, quote.price.total_cents - 1));
    const euros = await signedWebhook(
      stack,
      completedEvent(quote.quote_id, quote.price.total_cents, { currency: 'eur' }),
    );
    expect((await postWebhook(stack, cheap.payload, cheap.header)).status).toBe(200);
    expect((await postWebhook(stack, cheap.payload, cheap.header)).status).toBe(200);
    expect((await postWebhook(stack, euros.payload, euros.header)).status).toBe(200);
    expect((await status(quote.quote_id, token)).status).toBe('checkout_open');
    expect((await counters(stack))['bookings.payment_mismatch']).toBe(before + 2);
  });

  it('waits on an unpaid completion and ignores other event types', async () => {
    const { quote, token } = await openCheckout();
    const unpaid = await signedWebhook(
      stack,
      completedEvent(quote.quote_id, quote.price.total_cents, { paymentStatus: 'unpaid' }),
    );
    const other = await signedWebhook(stack, {
      id: 'evt_other',
      object: 'event',
      type: 'customer.created',
      data: { object: {} },
    });
    expect((await postWebhook(stack, unpaid.payload, unpaid.header)).status).toBe(200);
    expect((await postWebhook(stack, other.payload, other.header)).status).toBe(200);
    expect((await status(quote.quote_id, token)).status).toBe('checkout_open');
  });
});

describe('orderings', () => {
  it('expires the session with the quote, then confirms a late paid session anyway (the money was taken)', async () => {
    // Prepare
    const { quote, token, session } = await openCheckout();
    await lapse(stack, quote.quote_id);
    // Act: the sweep expires the session at Stripe and the quote.
    await stack.runtime.scheduler.run('expire-quotes');
    const expired = await status(quote.quote_id, token);
    const paying = await stack.call('POST', '/dev/stripe/pay', { body: { session_id: session.session_id } });
    const late = await signedWebhook(
      stack,
      completedEvent(quote.quote_id, quote.price.total_cents, { sessionId: session.session_id }),
    );
    const out = await postWebhook(stack, late.payload, late.header);
    // Assess
    expect(expired.status).toBe('expired');
    expect(paying.status).toBe(409); // the stand-in refuses to pay an expired session, as Stripe does
    expect(
      (await stack.call('POST', '/dev/stripe/pay', { body: { session_id: 'cs_test_nope' } })).status,
    ).toBe(404);
    expect(out.status).toBe(200);
    expect(await status(quote.quote_id, token)).toMatchObject({
      status: 'confirmed',
      payment_method: 'stripe',
    });
  });

  it('releases a quote whose session expired unpaid, and keeps a confirmed one confirmed', async () => {
    const { quote, token, session } = await openCheckout();
    const expiredEvent = {
      ...completedEvent(quote.quote_id, quote.price.total_cents, {
        sessionId: session.session_id,
        type: 'checkout.session.expired',
        paymentStatus: 'unpaid',
      }),
    };
    const signed = await signedWebhook(stack, expiredEvent);
    expect((await postWebhook(stack, signed.payload, signed.header)).status).toBe(200);
    expect((await status(quote.quote_id, token)).status).toBe('open');
    const again = await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
      token,
      body: { payment_method: 'stripe' },
    });
    expect(again.body.session_id).not.toBe(session.session_id);
    await stack.call('POST', '/dev/stripe/pay', { body: { session_id: again.body.session_id } });
    const late = await signedWebhook(
      stack,
      completedEvent(quote.quote_id, quote.price.total_cents, {
        sessionId: again.body.session_id,
        type: 'checkout.session.expired',
      }),
    );
    await postWebhook(stack, late.payload, late.header);
    expect((await status(quote.quote_id, token)).status).toBe('confirmed');
  });

  it('counts a card payment that arrives after a Zelle confirmation for ops, without a second job', async () => {
    const quote = await bookQuote(stack);
    const token = quote.customer_token;
    await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
      token,
      body: { payment_method: 'zelle' },
    });
    const admin = await stack.token('admin-demo', 'admin');
    const confirmed = await stack.call('POST', `/quotes/${quote.quote_id}/zelle-received`, { token: admin });
    const before = (await counters(stack))['bookings.payment_mismatch'] ?? 0;
    const card = await signedWebhook(stack, completedEvent(quote.quote_id, quote.price.total_cents));
    expect((await postWebhook(stack, card.payload, card.header)).status).toBe(200);
    expect((await counters(stack))['bookings.payment_mismatch']).toBe(before + 1);
    expect(await status(quote.quote_id, token)).toMatchObject({
      payment_method: 'zelle',
      job_id: confirmed.body.job_id,
    });
  });
});
