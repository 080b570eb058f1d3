import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ulid } from 'ulid';
import { priceTable } from '../../lib/booking/catalogue.ts';
import { UnpriceableError } from '../../lib/booking/errors.ts';
import { priceQuote } from '../../lib/booking/pricing.ts';
import type { Quote } from '../../lib/booking/quote.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { header, parseJsonBody } from '../../lib/http/request.ts';
import { json } from '../../lib/http/response.ts';
import type { BookingDeps } from './deps.ts';
import { trackingUrl } from './quote-view.ts';
import { bookQuoteRequest } from './schemas.ts';

/**
 * `POST /book-quote`: prices the request from the table, records an `open` quote and answers a
 * customer token for it. A public caller becomes a new customer; a customer token keeps its own.
 */
export async function bookQuote(
  event: APIGatewayProxyEventV2,
  deps: BookingDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const caller = header(event, 'authorization') ? await deps.authenticate(event) : null;
  if (caller && caller.role !== 'customer')
    throw new HttpError('forbidden', 'Quotes are asked for by customers (or without a token).');
  const subject = caller ? caller.sub : `ip:${event.requestContext.http.sourceIp}`;
  const rate = await deps.rateLimiter.take(subject, 'book-quote', deps.config.booking.quoteRatePerMinute);
  if (!rate.allowed)
    throw new HttpError('rate_limited', `Too many quotes; try again in ${rate.retryAfterSeconds} s.`, {
      headers: { 'retry-after': String(rate.retryAfterSeconds) },
    });
  const input = parseJsonBody(event, bookQuoteRequest);
  const nowMs = deps.now();
  if (input.delivery.date < new Date(nowMs).toISOString().slice(0, 10))
    throw new HttpError('invalid_request', 'Invalid delivery.date: expected today or later.');
  const request = {
    dumpsterSize: input.dumpster_size,
    rentalDays: input.rental_days,
    debrisType: input.debris_type,
    delivery: input.delivery,
    contact: input.contact,
  };
  let price: Quote['price'];
  try {
    price = priceQuote(request, priceTable);
  } catch (error) {
    if (error instanceof UnpriceableError) throw new HttpError('invalid_request', error.message);
    throw error;
  }
  const quoteId = ulid(nowMs);
  const customerId = caller?.sub ?? `cust-${ulid(nowMs).toLowerCase()}`;
  const lapsesAt = new Date(nowMs + deps.config.booking.quoteTtlSeconds * 1000);
  const quote: Quote = {
    quoteId,
    customerId,
    status: 'open',
    createdAt: new Date(nowMs).toISOString(),
    lapsesAt: lapsesAt.toISOString(),
    request,
    price,
    paymentMethod: null,
  };
  await deps.quotes.create(quote);
  deps.logger.info('quote created', {
    quote_id: quoteId,
    customer_id: customerId,
    total_cents: price.total_cents,
  });
  return json(200, {
    quote_id: quoteId,
    status: 'open',
    price,
    expires_at: quote.lapsesAt,
    customer_id: customerId,
    // Lives as long as the quote: enough to attach photos, pay and follow the booking.
    customer_token: await deps.signer.sign(customerId, lapsesAt),
    tracking_url: trackingUrl(deps.publicUrl, quoteId),
  });
}
