import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, ScheduledEvent } from 'aws-lambda';
import { createLocalJWKSet } from 'jose';
import type { Authenticate } from '../../lib/auth/authenticate.ts';
import { createCallerAuthenticator } from '../../lib/auth/caller-authenticator.ts';
import { createCustomerTokenSigner } from '../../lib/auth/customer-token.ts';
import { createTrackingLinks } from '../../lib/auth/tracking-link.ts';
import { type AwsClients, createAwsClients } from '../../lib/aws/clients.ts';
import type { Config } from '../../lib/config/config.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { errorResponse, json } from '../../lib/http/response.ts';
import { createLogger } from '../../lib/log/logger.ts';
import { PhotoRepository } from '../../lib/repo/photos.ts';
import { QuoteRepository } from '../../lib/repo/quotes.ts';
import { RateLimiter } from '../../lib/repo/rate-limits.ts';
import { bookQuote } from './book-quote.ts';
import { checkout } from './checkout.ts';
import type { BookingDeps } from './deps.ts';
import { expireQuotes, type SweepResult } from './expire-quotes.ts';
import { getQuote } from './get-quote.ts';
import { quotePath } from './schemas.ts';
import { loadBookingSecrets } from './secrets.ts';
import { createStripeGateway, type StripeGateway } from './stripe-gateway.ts';
import { stripeWebhook } from './stripe-webhook.ts';
import { trackingToken } from './tracking-token.ts';
import { zelleReceived } from './zelle-received.ts';

/** Overrides for tests. */
export interface BookingOverrides {
  clients?: AwsClients;
  stripe?: StripeGateway;
  authenticate?: Authenticate;
  secretsClient?: SecretsManagerClient;
  now?: () => number;
}

/** The booking function's two entry points: HTTP routes and the expiry sweep. */
export interface BookingApp {
  http(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2>;
  expireQuotes(event: ScheduledEvent): Promise<SweepResult>;
}

/**
 * Builds the booking function. Secrets are read once per container, on the first call (so a
 * cold start that never serves a request never reads them), and cached.
 */
export function createBookingApp(config: Config, overrides: BookingOverrides = {}): BookingApp {
  const logger = createLogger('booking', config);
  let ready: Promise<BookingDeps> | undefined;
  const deps = () => {
    ready ??= build(config, overrides, logger).catch((error) => {
      ready = undefined; // a failed read is retried by the next call
      throw error;
    });
    return ready;
  };
  return {
    async http(event) {
      try {
        return await route(event, await deps());
      } catch (error) {
        if (error instanceof HttpError && error.status < 500)
          logger.info('request refused', { route: event.routeKey, code: error.code, status: error.status });
        return errorResponse(error, logger);
      }
    },
    async expireQuotes() {
      return expireQuotes(await deps());
    },
  };
}

async function build(
  config: Config,
  overrides: BookingOverrides,
  logger: BookingDeps['logger'],
): Promise<BookingDeps> {
  const secrets = await loadBookingSecrets(config, overrides.secretsClient);
  const clients = overrides.clients ?? createAwsClients(config);
  const now = overrides.now ?? Date.now;
  const signer = await createCustomerTokenSigner(secrets.customerPrivateJwk, {
    issuer: config.customerAuth.issuer,
    audience: config.auth.audience,
    roleClaim: config.auth.roleClaim,
  });
  const links = await createTrackingLinks(
    secrets.customerPrivateJwk,
    signer.jwks,
    config.customerAuth.issuer,
  );
  return {
    config,
    links,
    quotes: new QuoteRepository(clients.dynamo, config.tableName),
    photos: new PhotoRepository(clients.dynamo, config.tableName),
    rateLimiter: new RateLimiter(clients.dynamo, config.tableName, now),
    events: clients.events,
    s3: clients.s3,
    stripe:
      overrides.stripe ??
      createStripeGateway({
        secretKey: secrets.stripeSecretKey,
        webhookSecret: secrets.stripeWebhookSecret,
        ...(config.stripe.apiUrl ? { apiUrl: config.stripe.apiUrl } : {}),
      }),
    signer,
    // Booking holds the customer key itself: it verifies its own tokens without fetching its JWKS.
    authenticate:
      overrides.authenticate ??
      createCallerAuthenticator(config, { customer: createLocalJWKSet(signer.jwks) }),
    logger,
    now,
    publicUrl: (config.booking.publicUrl ?? 'https://app.quickdumpnow.com').replace(/\/$/, ''),
  };
}

async function route(event: APIGatewayProxyEventV2, deps: BookingDeps): Promise<APIGatewayProxyResultV2> {
  switch (event.routeKey) {
    case 'POST /book-quote':
      return bookQuote(event, deps);
    case 'POST /stripe/webhook':
      return stripeWebhook(event, deps);
    case 'GET /.well-known/customer-jwks.json':
      return json(200, deps.signer.jwks, { 'cache-control': 'public, max-age=300' });
    case 'POST /tracking/token':
      return trackingToken(event, deps);
  }
  const caller = await deps.authenticate(event);
  const quoteId = quoteIdOf(event);
  switch (event.routeKey) {
    case 'GET /quotes/{quote_id}':
      return getQuote(quoteId, caller, deps);
    case 'POST /quotes/{quote_id}/checkout':
      return checkout(event, quoteId, caller, deps);
    case 'POST /quotes/{quote_id}/zelle-received':
      return zelleReceived(quoteId, caller, deps);
    default:
      throw new HttpError('not_found', `No route for ${event.routeKey}.`);
  }
}

function quoteIdOf(event: APIGatewayProxyEventV2): string {
  const parsed = quotePath.safeParse(event.pathParameters ?? {});
  if (!parsed.success) throw new HttpError('invalid_request', 'Invalid quote_id: expected a quote id.');
  return parsed.data.quote_id;
}
