import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A Checkout Session as the stand-in keeps it: the fields of Stripe's object that booking reads. */
export interface StandInSession {
  id: string;
  object: 'checkout.session';
  mode: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  amount_total: number;
  amount_subtotal: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  customer_email: string | null;
  success_url: string;
  cancel_url: string;
  expires_at: number;
  created: number;
  url: string | null;
  payment_intent: string | null;
  livemode: false;
  /** Not Stripe's: the product name, for the test page. */
  line_description: string;
}

/** Stripe-style ids: a prefix and random base62-ish characters. */
export const stripeId = (prefix: string) =>
  `${prefix}_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;

/** Sessions and idempotency keys, kept in one JSON file of the data folder (a restart keeps them). */
export class SessionStore {
  #sessions = new Map<string, StandInSession>();
  #idempotency = new Map<string, string>();
  #writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  /** Loads what an earlier run kept. */
  async load(): Promise<void> {
    try {
      const saved = JSON.parse(await readFile(this.file, 'utf8')) as {
        sessions: StandInSession[];
        idempotency: Array<[string, string]>;
      };
      for (const s of saved.sessions) this.#sessions.set(s.id, s);
      this.#idempotency = new Map(saved.idempotency);
    } catch {
      // first start
    }
  }

  get(id: string): StandInSession | undefined {
    return this.#sessions.get(id);
  }

  byIdempotencyKey(key: string): StandInSession | undefined {
    const id = this.#idempotency.get(key);
    return id ? this.#sessions.get(id) : undefined;
  }

  async put(session: StandInSession, idempotencyKey?: string): Promise<void> {
    this.#sessions.set(session.id, session);
    if (idempotencyKey) this.#idempotency.set(idempotencyKey, session.id);
    await this.#save();
  }

  #save(): Promise<void> {
    const snapshot = JSON.stringify({
      sessions: [...this.#sessions.values()],
      idempotency: [...this.#idempotency],
    });
    this.#writing = this.#writing.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(`${this.file}.tmp`, snapshot);
      await rename(`${this.file}.tmp`, this.file);
    });
    return this.#writing;
  }
}
