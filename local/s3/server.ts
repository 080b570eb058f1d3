import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import type { ServerContext } from './context.ts';
import { sendTestEvents } from './notifications.ts';
import { ObjectStore } from './object-store.ts';
import { handleRequest } from './router.ts';
import { SigV4Verifier } from './sigv4.ts';
import type { S3LogEntry, S3Server, S3ServerOptions } from './types.ts';

export type {
  S3BucketOptions,
  S3LogEntry,
  S3NotificationTarget,
  S3Server,
  S3ServerOptions,
} from './types.ts';

/** S3 allows one `*` in an allowed origin or header. */
const oneWildcard = z.string().refine((s) => s.split('*').length <= 2, 'Expected at most one "*"');
const isFunction = (value: unknown) => typeof value === 'function';

const optionsSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65_535),
  dataDir: z.string().min(1),
  region: z.string().regex(/^[a-z0-9-]+$/, 'Expected a region name such as "us-east-1"'),
  credentials: z
    .array(z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }))
    .min(1),
  buckets: z.array(
    z.object({
      name: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'Expected an S3 bucket name'),
      cors: z.array(
        z.object({
          allowedOrigins: z.array(oneWildcard),
          allowedMethods: z.array(z.enum(['GET', 'PUT', 'POST', 'DELETE', 'HEAD'])),
          allowedHeaders: z.array(oneWildcard),
          exposedHeaders: z.array(z.string()),
          maxAgeSeconds: z.number().int().nonnegative(),
        }),
      ),
      notifications: z.array(
        z.object({
          id: z.string().min(1),
          prefix: z.string(),
          send: z.custom(isFunction, 'Expected a function'),
        }),
      ),
    }),
  ),
  now: z.custom(isFunction, 'Expected a function').optional(),
  log: z.custom(isFunction, 'Expected a function').optional(),
});

function defaultLog(entry: S3LogEntry): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), component: 's3', ...entry })}\n`);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Starts the local S3-compatible endpoint (path-style, `node:http`): objects on disk under
 * `${dataDir}/s3`, SigV4 and POST policies checked as S3 checks them, CORS per bucket, and
 * object-created notifications (plus S3's one-time `s3:TestEvent`) handed to each bucket's targets.
 */
export async function startS3Server(options: S3ServerOptions): Promise<S3Server> {
  const checked = optionsSchema.safeParse(options);
  if (!checked.success) throw new Error(`Invalid S3ServerOptions:\n${z.prettifyError(checked.error)}`);
  // Use the caller's objects, not zod's copies: notification targets may be class instances.
  const now = options.now ?? Date.now;
  const log = options.log ?? defaultLog;
  const root = join(options.dataDir, 's3');
  const context: ServerContext = {
    region: options.region,
    store: await ObjectStore.load(
      root,
      options.buckets.map((b) => b.name),
      now,
    ),
    verifiers: new Map(options.credentials.map((c) => [c.accessKeyId, new SigV4Verifier(c, options.region)])),
    buckets: new Map(options.buckets.map((b) => [b.name, b])),
    now,
    log,
  };
  await sendTestEvents(root, options.buckets, now, log);
  let closing = false;
  const serve = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
    // While closing, let in-flight answers end their connections instead of keeping them alive.
    if (closing) res.setHeader('Connection', 'close');
    handleRequest(req, res, context, expectsContinue).catch((error: unknown) => {
      // handleRequest answers every S3 error itself; this is a bug (e.g. a throwing logger).
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  };
  const server = createServer((req, res) => serve(req, res, false));
  // Node would answer `Expect: 100-continue` at once; S3 answers it only once it has authenticated.
  server.on('checkContinue', (req, res) => serve(req, res, true));
  await listen(server, options.port, options.host);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
