import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookQuote } from './helpers/booking.ts';
import { type LocalStack, startLocalStack } from './helpers/local-stack.ts';

// Item 5 of issue 12: a customer whose short token lapsed gets back to the tracking page through
// the tracking link of a confirmed booking, exchanged for a fresh short customer token.
let stack: LocalStack;
let admin: string;

beforeAll(async () => {
  stack = await startLocalStack();
  admin = await stack.token('admin-demo', 'admin');
}, 60_000);
afterAll(() => stack?.stop());

async function confirmedBooking() {
  const quote = await bookQuote(stack);
  await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
    token: quote.customer_token,
    body: { payment_method: 'zelle' },
  });
  const confirmed = await stack.call('POST', `/quotes/${quote.quote_id}/zelle-received`, { token: admin });
  expect(confirmed.status).toBe(200);
  return { ...quote, job_id: confirmed.body.job_id as string };
}

const linkOf = (url: string) => new URL(url).hash.replace(/^#link=/, '');

describe('tracking links', () => {
  it('gives the owner of a confirmed quote a link that yields a fresh customer token for the job', async () => {
    const booking = await confirmedBooking();
    const quote = await stack.call('GET', `/quotes/${booking.quote_id}`, { token: booking.customer_token });
    expect(quote.body.tracking_link).toMatch(new RegExp(`/track/${booking.job_id}#link=`));
    const out = await stack.call('POST', '/tracking/token', {
      body: { link: linkOf(quote.body.tracking_link) },
    });
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({
      customer_id: booking.customer_id,
      job_id: booking.job_id,
      expires_in: 12 * 3600,
    });
    const token = out.body.customer_token;
    expect((await stack.call('GET', `/jobs/${booking.job_id}`, { token })).status).toBe(200);
    expect((await stack.call('GET', `/list-photos?job_id=${booking.job_id}`, { token })).status).toBe(200);
    // Still only the customer's own: another job is as closed as before.
    expect((await stack.call('GET', '/jobs/job-demo-1', { token })).status).toBe(403);
  });

  it('is never an API token itself, and a tampered or made-up link is refused', async () => {
    const booking = await confirmedBooking();
    const quote = await stack.call('GET', `/quotes/${booking.quote_id}`, { token: booking.customer_token });
    const link = linkOf(quote.body.tracking_link);
    expect((await stack.call('GET', `/jobs/${booking.job_id}`, { token: link })).status).toBe(401);
    const [head, body, sig] = link.split('.');
    const forged = JSON.parse(Buffer.from(String(body), 'base64url').toString());
    const swapped = `${head}.${Buffer.from(JSON.stringify({ ...forged, sub: 'cust-demo' })).toString('base64url')}.${sig}`;
    for (const bad of [swapped, 'not-a-link', booking.customer_token]) {
      const out = await stack.call('POST', '/tracking/token', { body: { link: bad } });
      expect(out.status, bad.slice(0, 20)).toBe(401);
      expect(out.body.error.code).toBe('unauthenticated');
    }
    expect((await stack.call('POST', '/tracking/token', { body: {} })).status).toBe(400);
  });

  it('has no link before the booking is confirmed', async () => {
    const quote = await bookQuote(stack);
    const out = await stack.call('GET', `/quotes/${quote.quote_id}`, { token: quote.customer_token });
    expect(out.body.tracking_link).toBeNull();
  });
});
