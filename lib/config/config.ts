import { z } from 'zod';
import { topology } from '../topology/topology.ts';
import { ConfigError } from './errors.ts';

const MiB = 1024 * 1024;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const port = () => int(0, 65535);
const url = () => z.url({ protocol: /^https?$/ });

/**
 * Every setting the pipeline reads from the environment, with its default.
 * Read once, at start, by {@link loadConfig}; domain code receives the typed result.
 */
export const envSchema = z
  .object({
    QDN_RUNTIME: z.enum(['local', 'aws']).default('local'),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    QDN_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),

    // Local runtime
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port().default(3000),
    QDN_DATA_DIR: z.string().min(1).default('.qdn'),
    // Unset: PORT + 1, so grants issued before a restart still point at a live endpoint.
    QDN_S3_PORT: port().optional(),
    // Local fault injection ("thumbnail:transient,s3-notify:drop"); the runtime parses the list.
    QDN_FAULTS: z.string().optional(),

    // Endpoints (aws: unset, the SDK resolves them; local: filled in by the runtime)
    QDN_S3_ENDPOINT: url().optional(),
    QDN_DYNAMODB_ENDPOINT: url().optional(),
    QDN_EVENTS_ENDPOINT: url().optional(),
    QDN_SQS_ENDPOINT: url().optional(),

    // Resources
    QDN_UPLOADS_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
      .default('qdn-uploads'),
    QDN_TABLE_NAME: z.string().min(3).default('qdn'),
    QDN_EVENT_BUS_NAME: z.string().min(1).default(topology.bus.name),

    // Identity
    QDN_JWT_ISSUER: z.string().min(1).optional(),
    QDN_JWT_AUDIENCE: z.string().min(1).default('qdn-api'),
    QDN_JWKS_URL: url().optional(),
    QDN_ROLE_CLAIM: z.string().min(1).default('qdn_role'),

    // Upload rules
    QDN_MAX_UPLOAD_BYTES: int(1, 5 * 1024 * MiB).default(topology.uploads.maxBytes),
    QDN_UPLOAD_URL_TTL_SECONDS: int(1, 86_400).default(topology.uploads.urlTtlSeconds),
    QDN_THUMB_URL_TTL_SECONDS: int(1, 86_400).default(3600),
    QDN_UPLOAD_RATE_PER_MINUTE: int(1, 100_000).default(30),
    QDN_MAX_PHOTOS_PER_JOB: int(1, 1_000_000).default(2000),
    QDN_REJECTED_ORIGINALS: z.enum(['quarantine', 'delete']).default('quarantine'),
    QDN_FAR_FROM_SITE_METERS: int(1, 1_000_000).default(500),

    // Images
    QDN_MAX_INPUT_PIXELS: int(1_000_000, 268_402_689).default(100_000_000),
    QDN_WEBP_QUALITY: int(1, 100).default(80),
    QDN_IMAGE_CONCURRENCY: int(1, 64).default(1),

    // Token lifetimes (staff); customer tokens live as long as their quote
    QDN_MAX_TOKEN_LIFETIME_SECONDS: int(60, 30 * 86_400).default(86_400),

    // Booking
    QDN_CUSTOMER_TOKEN_ISSUER: z.string().min(1).default('qdn-customer'),
    QDN_CUSTOMER_JWKS_URL: url().optional(),
    QDN_CUSTOMER_TOKEN_SECRET_ARN: z.string().min(1).optional(),
    QDN_QUOTE_TTL_SECONDS: int(300, 30 * 86_400).default(3 * 86_400),
    QDN_ZELLE_HOLD_SECONDS: int(300, 30 * 86_400).default(2 * 86_400),
    QDN_ZELLE_RECIPIENT: z.string().min(3).default('payments@quickdumpnow.com'),
    QDN_QUOTE_RATE_PER_MINUTE: int(1, 100_000).default(20),
    QDN_PUBLIC_URL: url().optional(),
    QDN_STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, 'expected a Stripe secret key (sk_test_…)')
      .optional(),
    QDN_STRIPE_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_[A-Za-z0-9]+$/, 'expected whsec_…')
      .optional(),
    QDN_STRIPE_SECRET_ARN: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.QDN_RUNTIME !== 'aws') return;
    if (env.QDN_FAULTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['QDN_FAULTS'],
        message: 'fault injection is local only; refused when QDN_RUNTIME=aws',
      });
    }
    for (const name of ['QDN_JWT_ISSUER', 'QDN_JWKS_URL'] as const) {
      if (!env[name]) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'required when QDN_RUNTIME=aws' });
      }
    }
    // On AWS Stripe's keys live in Secrets Manager (QDN_STRIPE_SECRET_ARN), never in the environment.
    for (const name of ['QDN_STRIPE_SECRET_KEY', 'QDN_STRIPE_WEBHOOK_SECRET'] as const) {
      if (env[name]) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'not allowed when QDN_RUNTIME=aws; use QDN_STRIPE_SECRET_ARN',
        });
      }
    }
  });

/** The environment as parsed: one field per variable. */
export type Env = z.infer<typeof envSchema>;

/** The typed configuration every factory receives. */
export interface Config {
  runtime: Env['QDN_RUNTIME'];
  region: string;
  logLevel: Env['QDN_LOG_LEVEL'];
  local: { host: string; port: number; dataDir: string; s3Port: number; faults?: string };
  endpoints: { s3?: string; dynamodb?: string; events?: string; sqs?: string };
  /** Static credentials for the local endpoints; on AWS the SDK's default chain is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  uploadsBucket: string;
  tableName: string;
  eventBusName: string;
  auth: { issuer?: string; audience: string; jwksUrl?: string; roleClaim: string };
  uploads: {
    maxBytes: number;
    /** Presigned POST lifetime, already clamped to at most one hour. */
    urlTtlSeconds: number;
    /** Presigned GET lifetime for thumbnails, clamped to at most one hour. */
    thumbUrlTtlSeconds: number;
    ratePerMinute: number;
    maxPhotosPerJob: number;
    rejectedOriginals: Env['QDN_REJECTED_ORIGINALS'];
    farFromSiteMeters: number;
  };
  images: { maxInputPixels: number; webpQuality: number; concurrency: number };
  /** Staff tokens: the longest `exp - iat` accepted. */
  maxTokenLifetimeSeconds: number;
  /** Customer tokens, signed by the booking function (ES256) and accepted by every function. */
  customerAuth: {
    issuer: string;
    jwksUrl?: string;
    /** The private JWK (local runtime: generated into the data folder). */
    privateJwk?: Record<string, unknown>;
    /** AWS: the Secrets Manager secret holding the private JWK (read once at init). */
    secretArn?: string;
  };
  booking: {
    quoteTtlSeconds: number;
    zelleHoldSeconds: number;
    zelleRecipient: string;
    quoteRatePerMinute: number;
    /** Where customers' pages live (tracking page, Checkout success/cancel URLs). */
    publicUrl?: string;
  };
  stripe: {
    secretKey?: string;
    webhookSecret?: string;
    /** AWS: a Secrets Manager secret `{"secret_key", "webhook_secret"}` (never in env in clear). */
    secretArn?: string;
    /** Another API host for the SDK (the local stand-in): `http://127.0.0.1:port`. */
    apiUrl?: string;
  };
}

/** The longest a presigned URL may live, whatever the environment says. */
export const MAX_URL_TTL_SECONDS = 3600;

/** Parses the environment once; throws {@link ConfigError} naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // An empty string means "unset" for every variable, as it does in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const received = name in cleaned ? ` (received ${JSON.stringify(cleaned[name])})` : ' (not set)';
        return `${name}: ${issue.message}${received}`;
      }),
    );
  }
  return toConfig(parsed.data);
}

/** The local S3 port that goes with an API port: the next one (a free one when the API takes any). */
function s3PortFor(apiPort: number): number {
  return apiPort === 0 || apiPort === 65_535 ? 0 : apiPort + 1;
}

function toConfig(env: Env): Config {
  return {
    runtime: env.QDN_RUNTIME,
    region: env.AWS_REGION,
    logLevel: env.QDN_LOG_LEVEL,
    local: {
      host: env.HOST,
      port: env.PORT,
      dataDir: env.QDN_DATA_DIR,
      s3Port: env.QDN_S3_PORT ?? s3PortFor(env.PORT),
      ...(env.QDN_FAULTS ? { faults: env.QDN_FAULTS } : {}),
    },
    endpoints: {
      s3: env.QDN_S3_ENDPOINT,
      dynamodb: env.QDN_DYNAMODB_ENDPOINT,
      events: env.QDN_EVENTS_ENDPOINT,
      sqs: env.QDN_SQS_ENDPOINT,
    },
    uploadsBucket: env.QDN_UPLOADS_BUCKET,
    tableName: env.QDN_TABLE_NAME,
    eventBusName: env.QDN_EVENT_BUS_NAME,
    auth: {
      issuer: env.QDN_JWT_ISSUER,
      audience: env.QDN_JWT_AUDIENCE,
      jwksUrl: env.QDN_JWKS_URL,
      roleClaim: env.QDN_ROLE_CLAIM,
    },
    uploads: {
      maxBytes: env.QDN_MAX_UPLOAD_BYTES,
      urlTtlSeconds: Math.min(env.QDN_UPLOAD_URL_TTL_SECONDS, MAX_URL_TTL_SECONDS),
      thumbUrlTtlSeconds: Math.min(env.QDN_THUMB_URL_TTL_SECONDS, MAX_URL_TTL_SECONDS),
      ratePerMinute: env.QDN_UPLOAD_RATE_PER_MINUTE,
      maxPhotosPerJob: env.QDN_MAX_PHOTOS_PER_JOB,
      rejectedOriginals: env.QDN_REJECTED_ORIGINALS,
      farFromSiteMeters: env.QDN_FAR_FROM_SITE_METERS,
    },
    images: {
      maxInputPixels: env.QDN_MAX_INPUT_PIXELS,
      webpQuality: env.QDN_WEBP_QUALITY,
      concurrency: env.QDN_IMAGE_CONCURRENCY,
    },
    maxTokenLifetimeSeconds: env.QDN_MAX_TOKEN_LIFETIME_SECONDS,
    customerAuth: {
      issuer: env.QDN_CUSTOMER_TOKEN_ISSUER,
      jwksUrl: env.QDN_CUSTOMER_JWKS_URL,
      secretArn: env.QDN_CUSTOMER_TOKEN_SECRET_ARN,
    },
    booking: {
      quoteTtlSeconds: env.QDN_QUOTE_TTL_SECONDS,
      zelleHoldSeconds: env.QDN_ZELLE_HOLD_SECONDS,
      zelleRecipient: env.QDN_ZELLE_RECIPIENT,
      quoteRatePerMinute: env.QDN_QUOTE_RATE_PER_MINUTE,
      publicUrl: env.QDN_PUBLIC_URL,
    },
    stripe: {
      secretKey: env.QDN_STRIPE_SECRET_KEY,
      webhookSecret: env.QDN_STRIPE_WEBHOOK_SECRET,
      secretArn: env.QDN_STRIPE_SECRET_ARN,
    },
  };
}
