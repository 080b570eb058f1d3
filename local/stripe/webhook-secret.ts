import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The webhook signing secret when `QDN_STRIPE_WEBHOOK_SECRET` is unset: generated once into the data folder. */
export async function loadWebhookSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, 'stripe', 'webhook-secret');
  try {
    const secret = (await readFile(file, 'utf8')).trim();
    if (/^whsec_[A-Za-z0-9]+$/.test(secret)) return secret;
  } catch {
    // first start
  }
  const secret = `whsec_${randomBytes(24).toString('hex')}`;
  await mkdir(join(dataDir, 'stripe'), { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}
