import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Authenticate } from '../../lib/auth/authenticate.ts';
import type { CustomerTokenSigner } from '../../lib/auth/customer-token.ts';
import type { TrackingLinks } from '../../lib/auth/tracking-link.ts';
import type { Config } from '../../lib/config/config.ts';
import type { PhotoRepository } from '../../lib/repo/photos.ts';
import type { QuoteRepository } from '../../lib/repo/quotes.ts';
import type { RateLimiter } from '../../lib/repo/rate-limits.ts';
import type { StripeGateway } from './stripe-gateway.ts';

/** Everything the booking routes and the sweep use, built once per container. */
export interface BookingDeps {
  config: Config;
  quotes: QuoteRepository;
  photos: PhotoRepository;
  rateLimiter: RateLimiter;
  events: EventBridgeClient;
  /** Signs thumbnail GETs of the quote's photos (never originals). */
  s3: S3Client;
  stripe: StripeGateway;
  signer: CustomerTokenSigner;
  /** Signs and verifies tracking links (the customer key, the links' own audience). */
  links: TrackingLinks;
  authenticate: Authenticate;
  logger: Logger;
  now: () => number;
  /** Where customers' pages are: the tracking page and Checkout's success/cancel URLs. */
  publicUrl: string;
}
