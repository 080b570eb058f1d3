import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.ts';

/** This process's identity as the holder of emit leases; a new one on every start. */
const PROCESS_OWNER = `${process.pid}-${randomUUID()}`;

/**
 * The owner to put on emit leases, when this process may take over leases other processes left:
 * in the embedded runtime, the only consumer of its queues, a lease from another process is one
 * a crashed run left. On AWS, concurrent instances are alive, so leases only expire (undefined).
 */
export function leaseOwnerFor(config: Pick<Config, 'runtime'>): string | undefined {
  return config.runtime === 'local' ? PROCESS_OWNER : undefined;
}
