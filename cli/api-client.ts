import { CliError, EXIT } from './errors.ts';

/** Where the CLI talks to and as whom. */
export interface ApiSettings {
  apiUrl: string;
  /** A bearer token; without one the CLI asks the local runtime's `/dev/token` for the admin's. */
  token?: string;
  /** The seeded admin of the local runtime. */
  devAdmin?: string;
}

/** A small client of the pipeline's HTTP API for the CLI. */
export class ApiClient {
  #token: Promise<string> | undefined;

  constructor(private readonly settings: ApiSettings) {}

  /** Calls the API; answers the parsed JSON body, or throws a {@link CliError} with the API's message. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await this.token();
    const res = await this.#fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const payload = await parse(res);
    if (!res.ok) {
      const error = (payload as { error?: { code?: string; message?: string } })?.error;
      throw new CliError(
        `${method} ${path} answered ${res.status} ${error?.code ?? ''}: ${error?.message ?? JSON.stringify(payload)}`,
        EXIT.failed,
      );
    }
    return payload as T;
  }

  /** A token: the configured one, or the local runtime's dev admin token. */
  token(): Promise<string> {
    if (this.settings.token) return Promise.resolve(this.settings.token);
    this.#token ??= this.devToken(this.settings.devAdmin ?? 'admin-demo', 'admin');
    return this.#token;
  }

  /** Asks the local runtime's dev issuer for a seeded user's token. */
  async devToken(sub: string, role: string): Promise<string> {
    const res = await this.#fetch('/dev/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub, role }),
    });
    const payload = (await parse(res)) as { token?: string; error?: { message?: string } };
    if (!res.ok || !payload.token) {
      throw new CliError(
        `No token: set QDN_TOKEN, or run against a local runtime (POST /dev/token answered ${res.status}: ${payload.error?.message ?? ''})`,
        res.status === 404 ? EXIT.unreachable : EXIT.failed,
      );
    }
    return payload.token;
  }

  async #fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(new URL(path, this.settings.apiUrl), init);
    } catch (error) {
      throw new CliError(
        `Cannot reach the API at ${this.settings.apiUrl} (${(error as Error).cause ?? (error as Error).message}); is \`npm start\` running, or QDN_API_URL set?`,
        EXIT.unreachable,
      );
    }
  }
}

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
