import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Stripe from 'stripe';
import { checkoutPage } from './checkout-page.ts';
import { parseStripeForm } from './form.ts';
import { SessionStore, type StandInSession, stripeId } from './sessions.ts';

/** A running Stripe stand-in. */
export interface StripeStandIn {
  /** Base URL of its API (the SDK's host/port/protocol point here). */
  url: string;
  /** The secret key the booking function uses against it. */
  secretKey: string;
  /** Pays an open session as the test page's button does: signed `checkout.session.completed`. */
  pay(sessionId: string): Promise<{ session: StandInSession; webhookStatus: number }>;
  close(): Promise<void>;
}

/** What the stand-in needs: where to listen, its data file, the webhook target and secret. */
export interface StandInOptions {
  host: string;
  dataDir: string;
  webhookSecret: string;
  /** The API's webhook URL (known once the API listens). */
  webhookUrl: () => string;
  log: (message: string, extra: Record<string, unknown>) => void;
}

const API_VERSION = '2026-01-28.clover';

/** Thrown inside the stand-in to answer Stripe's error shape. */
class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A local stand-in for the few Stripe API calls booking makes (create, retrieve and expire a
 * Checkout Session), answered over HTTP to the real SDK, plus a test checkout page whose Pay
 * button sends the webhook Stripe would, signed with `generateTestHeaderString`.
 */
export async function startStripeStandIn(options: StandInOptions): Promise<StripeStandIn> {
  const secretKey = `sk_test_standin${randomBytes(12).toString('hex')}`;
  const store = new SessionStore(join(options.dataDir, 'stripe', 'sessions.json'));
  await store.load();
  let base = '';

  const deliver = async (type: string, session: StandInSession): Promise<number> => {
    const event = {
      id: stripeId('evt'),
      object: 'event',
      api_version: API_VERSION,
      created: Math.floor(Date.now() / 1000),
      type,
      data: { object: session },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    };
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.webhookSecret });
    // Stripe retries a failed delivery; the stand-in tries three times, a second apart.
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(options.webhookUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
      }).catch(() => null);
      const status = res?.status ?? 0;
      await res?.text();
      options.log('stand-in webhook delivered', { type, event_id: event.id, status, attempt });
      if ((status >= 200 && status < 300) || attempt === 3) return status;
      await new Promise((r) => setTimeout(r, 1000));
    }
  };

  const pay = async (sessionId: string) => {
    const session = store.get(sessionId);
    if (!session)
      throw new StripeApiError(404, 'invalid_request_error', `No such checkout.session: '${sessionId}'`);
    if (session.status !== 'open' || session.expires_at * 1000 <= Date.now())
      throw new StripeApiError(400, 'invalid_request_error', `This Checkout Session is ${session.status}.`);
    const paid: StandInSession = {
      ...session,
      status: 'complete',
      payment_status: 'paid',
      payment_intent: stripeId('pi'),
      url: null,
    };
    await store.put(paid);
    return { session: paid, webhookStatus: await deliver('checkout.session.completed', paid) };
  };

  const api = async (req: IncomingMessage, body: string, path: string): Promise<unknown> => {
    if (req.headers.authorization !== `Bearer ${secretKey}`)
      throw new StripeApiError(401, 'invalid_request_error', 'Invalid API Key provided.');
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const key = req.headers['idempotency-key'];
      const existing = typeof key === 'string' ? store.byIdempotencyKey(key) : undefined;
      if (existing) return existing;
      const session = newSession(parseStripeForm(body), base);
      await store.put(session, typeof key === 'string' ? key : undefined);
      return session;
    }
    const match = /^\/v1\/checkout\/sessions\/([A-Za-z0-9_]+)(\/expire)?$/.exec(path);
    const session = match ? store.get(match[1] as string) : undefined;
    if (!match)
      throw new StripeApiError(
        404,
        'invalid_request_error',
        `Unrecognized request URL (${method}: ${path}).`,
      );
    if (!session)
      throw new StripeApiError(404, 'invalid_request_error', `No such checkout.session: '${match[1]}'`);
    if (method === 'GET' && !match[2]) return session;
    if (method === 'POST' && match[2]) {
      if (session.status !== 'open')
        throw new StripeApiError(
          400,
          'invalid_request_error',
          'Only Checkout Sessions with a status in ["open"] can be expired.',
        );
      const expired: StandInSession = { ...session, status: 'expired', url: null };
      await store.put(expired);
      void deliver('checkout.session.expired', expired);
      return expired;
    }
    throw new StripeApiError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error) => {
      const e = error instanceof StripeApiError ? error : new StripeApiError(500, 'api_error', String(error));
      send(res, e.status, { error: { type: e.type, message: e.message } });
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const body = await readBody(req);
    if (url.pathname.startsWith('/v1/')) return send(res, 200, await api(req, body, url.pathname));
    const page = /^\/checkout\/([A-Za-z0-9_]+)(\/pay)?$/.exec(url.pathname);
    const session = page ? store.get(page[1] as string) : undefined;
    if (!page || !session)
      return send(res, 404, { error: { type: 'invalid_request_error', message: 'No such page.' } });
    if (req.method === 'GET' && !page[2]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end(checkoutPage(session));
    }
    if (req.method === 'POST' && page[2]) {
      const { session: paid } = await pay(session.id);
      res.writeHead(303, { location: paid.success_url });
      return void res.end();
    }
    return send(res, 405, { error: { type: 'invalid_request_error', message: 'Method not allowed.' } });
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => resolve());
  });
  base = `http://${options.host}:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    secretKey,
    pay,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A session from the SDK's create parameters: the amount is the sum of its line items. */
function newSession(params: Record<string, unknown>, base: string): StandInSession {
  type LineItem = {
    quantity?: string;
    price_data?: { currency?: string; unit_amount?: string; product_data?: { name?: string } };
  };
  const items = (params.line_items as LineItem[] | undefined) ?? [];
  if (items.length === 0)
    throw new StripeApiError(400, 'invalid_request_error', 'Missing required param: line_items.');
  const currency = String(items[0]?.price_data?.currency ?? '');
  const total = items.reduce(
    (sum, item) => sum + Number(item.price_data?.unit_amount) * Number(item.quantity ?? 1),
    0,
  );
  if (!Number.isInteger(total) || total <= 0)
    throw new StripeApiError(
      400,
      'invalid_request_error',
      'Invalid integer: line_items[0][price_data][unit_amount].',
    );
  const id = stripeId('cs_test');
  return {
    id,
    object: 'checkout.session',
    mode: String(params.mode ?? 'payment'),
    status: 'open',
    payment_status: 'unpaid',
    amount_total: total,
    amount_subtotal: total,
    currency,
    client_reference_id: typeof params.client_reference_id === 'string' ? params.client_reference_id : null,
    metadata: (params.metadata as Record<string, string>) ?? {},
    customer_email: typeof params.customer_email === 'string' ? params.customer_email : null,
    success_url: String(params.success_url ?? ''),
    cancel_url: String(params.cancel_url ?? ''),
    expires_at: Number(params.expires_at ?? Math.floor(Date.now() / 1000) + 86_400),
    created: Math.floor(Date.now() / 1000),
    url: `${base}/checkout/${id}`,
    payment_intent: null,
    livemode: false,
    line_description: String(items[0]?.price_data?.product_data?.name ?? 'Payment'),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': stripeId('req') });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
