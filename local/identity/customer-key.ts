import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { generateCustomerKey } from '../../lib/auth/customer-token.ts';

/**
 * The booking function's customer-token key for the local runtime: kept in
 * `${dataDir}/identity/customer-key.json` (created on first start, like the dev issuer's key), so
 * customer tokens stay valid across restarts. On AWS it comes from Secrets Manager instead.
 */
export async function loadCustomerKey(dataDir: string): Promise<JWK> {
  const dir = join(dataDir, 'identity');
  const file = join(dir, 'customer-key.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch {
    const jwk = await generateCustomerKey();
    await mkdir(dir, { recursive: true });
    await writeFile(file, JSON.stringify(jwk), { mode: 0o600 });
    return jwk;
  }
}
