import { clearSession, currentSession } from './session.ts';

/** Fired on `window` when the API refused the session's token: the page shows the sign-in again. */
export const SIGNED_OUT_EVENT = 'qdn-signed-out';

/** An API error answer (`{"error": {"code", "message"}}`) or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** Calls the API with the session's token; JSON in, JSON out, errors as {@link ApiError}. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<T> {
  const token = init.token ?? currentSession()?.token;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'No connection.');
  }
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (res.status === 401 && !init.token && token) {
    clearSession();
    window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
  }
  if (!res.ok) {
    throw new ApiError(
      res.status,
      body.error?.code ?? 'http_error',
      body.error?.message ?? `The server answered ${res.status}.`,
    );
  }
  return body as T;
}
