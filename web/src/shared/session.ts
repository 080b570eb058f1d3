/** Who is signed in, kept for the browser session (sessionStorage: a tab's life, across reloads). */
export interface Session {
  token: string;
  sub: string;
  role: 'admin' | 'crew' | 'customer';
  name: string;
  /** Epoch ms after which the token is refused. */
  expiresAt: number;
}

const KEY = 'qdn.session';

/** The session, or null when nobody is signed in or the token has expired. */
export function currentSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    if (typeof s.token !== 'string' || !(s.expiresAt > Date.now() + 30_000)) return null;
    return s;
  } catch {
    return null;
  }
}

/** Keeps a session for this tab. */
export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

/** Forgets the session. */
export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
