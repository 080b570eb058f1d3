import { createServer } from 'node:net';
import { ConfigError } from '../lib/config/errors.ts';
import { OldDataFolderError } from './dynamo/table-indexes.ts';

/** Rejects with the listen error (EADDRINUSE, EACCES) when `port` cannot be listened on; 0 is always free. */
export function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** Where the runtime listens, to name the variable that moves a busy port. */
export interface Ports {
  host: string;
  api: number;
  s3: number;
  /** Whether QDN_S3_PORT was set (else the S3 port is PORT + 1). */
  s3Explicit: boolean;
}

/**
 * One plain line for a start that failed for a reason the user can fix: a bad variable (the
 * config's own message) or a port in use (naming the variable to change). Undefined otherwise,
 * for the caller to show the error as it is.
 */
export function describeStartFailure(error: unknown, ports: Ports | undefined): string | undefined {
  if (error instanceof ConfigError) return error.message;
  if (error instanceof OldDataFolderError) return error.message;
  const e = error as NodeJS.ErrnoException & { port?: number };
  if (e?.code !== 'EADDRINUSE') return undefined;
  const port = e.port ?? 0;
  const where = `${ports?.host ?? '127.0.0.1'}:${port}`;
  if (ports && port === ports.s3 && port !== ports.api) {
    const how = ports.s3Explicit
      ? 'set QDN_S3_PORT to a free port'
      : `the S3 endpoint takes PORT + 1; set QDN_S3_PORT to a free port (e.g. QDN_S3_PORT=${port + 100})`;
    return `Port ${where} is already in use: ${how}.`;
  }
  return `Port ${where} is already in use: set PORT to a free port (e.g. PORT=${port + 100} npm start).`;
}
