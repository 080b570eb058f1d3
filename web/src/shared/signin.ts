import { api, SIGNED_OUT_EVENT } from './api.ts';
import { byId, h } from './dom.ts';
import {
  type AuthConfig,
  authorizeUrl,
  codeChallenge,
  logoutUrl,
  type PendingSignIn,
  randomToken,
  readCallback,
  sessionFromIdToken,
  tokenRequestBody,
  withoutCallback,
} from './oidc.ts';
import { clearSession, currentSession, type Session, saveSession } from './session.ts';

/** A seeded user as `/dev/info` lists it. */
export interface DevUser {
  sub: string;
  role: Session['role'];
  name?: string;
}

/** A job as the page knows it (locally from `/dev/info`). */
export interface JobInfo {
  job_id: string;
  customer_id: string;
  crew_ids: string[];
  address: string;
  status?: string;
  dumpster_size?: string;
  delivery_date?: string;
  pickup_date?: string;
}

/** What the local runtime tells the pages (API.md › Local runtime only). */
export interface DevInfo {
  users: DevUser[];
  jobs: JobInfo[];
}

let latest: (() => void) | null = null;
let listening = false;
let config: Promise<AuthConfig | null> | null = null;
let callback: Promise<void> | null = null;

const PENDING_KEY = 'qdn.oidc.pending';
const STAFF_ROLES: Session['role'][] = ['admin', 'crew'];

/** `/dev/info`, or null on AWS (where sign-in is the OIDC login). */
export async function devInfo(): Promise<DevInfo | null> {
  return api<DevInfo>('/dev/info').catch(() => null);
}

/**
 * Renders the sign-in bar into `#account`: the signed-in user with a Sign out button, or a picker
 * of the seeded users limited to `roles`. Calls `onChange` after a sign-in or sign-out.
 */
export function renderAccount(
  info: DevInfo | null,
  roles: Session['role'][],
  onChange: () => void,
  optional = false,
): void {
  latest = () => {
    renderAccount(info, roles, onChange, optional);
    onChange();
  };
  if (!listening) {
    listening = true;
    // An expired or refused token signs the tab out instead of leaving a dead "Signed in as".
    window.addEventListener(SIGNED_OUT_EVENT, () => latest?.());
  }
  const box = byId('account');
  const session = currentSession();
  if (session) {
    const out = h('button', { type: 'button', class: 'secondary' }, 'Sign out');
    out.addEventListener('click', () => {
      clearSession();
      // On AWS the hosted sign-in keeps its own session: end it too, or Sign in would skip the password.
      void (info ? Promise.resolve(null) : authConfig()).then((c) => {
        if (c) return window.location.assign(logoutUrl(c));
        renderAccount(info, roles, onChange, optional);
        onChange();
      });
    });
    box.replaceChildren(h('span', { class: 'who' }, `Signed in as ${session.name} (${session.role})`), out);
    return;
  }
  if (!info) {
    const status = h('span', { role: 'status', class: 'error-text' });
    box.replaceChildren(h('p', {}, 'Sign in with your company account to continue.'), status);
    if (roles.some((r) => STAFF_ROLES.includes(r))) void offerHostedSignIn(box, status, () => latest?.());
    return;
  }
  const select = h('select', { id: 'user', name: 'user' });
  for (const u of info.users.filter((user) => roles.includes(user.role))) {
    select.append(h('option', { value: u.sub }, `${u.name ?? u.sub} (${u.role})`));
  }
  const status = h('span', { role: 'status', class: 'error-text' });
  const form = h(
    'form',
    { id: 'signin', 'aria-label': 'Sign in' },
    h('label', { for: 'user' }, 'Sign in as'),
    select,
    h('button', { type: 'submit' }, 'Sign in'),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const user = info.users.find((u) => u.sub === select.value);
    if (!user) return;
    signIn(user)
      .then(() => {
        renderAccount(info, roles, onChange, optional);
        onChange();
      })
      .catch((error: Error) => {
        status.textContent = error.message;
      });
  });
  // Where signing in is optional (booking), the picker folds away behind one line.
  box.replaceChildren(
    optional
      ? h('details', { class: 'optional-signin' }, h('summary', {}, 'Already a customer? Sign in'), form)
      : form,
  );
}

/** `/auth-config.json` (written by the AWS deployment), or null where there is none. */
export function authConfig(): Promise<AuthConfig | null> {
  config ??= fetch('/auth-config.json', { headers: { accept: 'application/json' } })
    .then(async (res) => {
      if (!res.ok) return null;
      const c = (await res.json()) as Partial<AuthConfig>;
      return c.authorize_url && c.token_url && c.client_id && c.redirect_uri ? (c as AuthConfig) : null;
    })
    .catch(() => null);
  return config;
}

/** Finishes a sign-in the IdP sent back here (once per page load), then offers the Sign in button. */
async function offerHostedSignIn(box: HTMLElement, status: HTMLElement, rerender: () => void): Promise<void> {
  const c = await authConfig();
  if (!c) return;
  try {
    callback ??= completeSignIn(c);
    await callback;
  } catch (error) {
    status.textContent = (error as Error).message;
  }
  if (currentSession()) return rerender();
  if (!box.contains(status)) return;
  const button = h('button', { type: 'button', id: 'oidc-signin' }, 'Sign in');
  button.addEventListener('click', () => {
    startSignIn(c).catch((error: Error) => {
      status.textContent = error.message;
    });
  });
  box.insertBefore(button, status);
}

/** Leaves for the hosted sign-in with a fresh state, nonce and PKCE verifier kept for this tab. */
async function startSignIn(c: AuthConfig): Promise<void> {
  const here = window.location;
  // Cognito returns only to the registered URLs: the site root and /ops (infra/constructs/site.ts).
  const redirectUri = here.pathname === '/ops' ? new URL('/ops', c.redirect_uri).toString() : c.redirect_uri;
  const pending: PendingSignIn = {
    state: randomToken(),
    nonce: randomToken(),
    verifier: randomToken(48),
    redirectUri,
    returnTo: here.pathname + here.search,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  window.location.assign(authorizeUrl(c, pending, await codeChallenge(pending.verifier)));
}

/** Trades `?code=` for an ID token when this load is the IdP's answer; no-op otherwise. */
async function completeSignIn(c: AuthConfig): Promise<void> {
  const raw = sessionStorage.getItem(PENDING_KEY);
  const pending = raw ? (JSON.parse(raw) as PendingSignIn) : null;
  const answer = readCallback(window.location.search, pending?.state);
  if (answer.kind === 'none') return;
  // The code is single-use and the address bar is shared and bookmarked: take it out at once.
  window.history.replaceState(null, '', withoutCallback(window.location.href));
  sessionStorage.removeItem(PENDING_KEY);
  if (answer.kind === 'error') throw new Error(answer.message);
  if (!pending) return;
  const res = await fetch(c.token_url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: tokenRequestBody(c, answer.code, pending),
  }).catch(() => null);
  const body = res ? ((await res.json().catch(() => ({}))) as { id_token?: string }) : {};
  if (!res?.ok || !body.id_token) throw new Error('Sign-in could not be completed; sign in again.');
  saveSession(sessionFromIdToken(body.id_token, c, pending.nonce));
  if (pending.returnTo !== window.location.pathname + window.location.search) {
    window.location.assign(pending.returnTo);
  }
}

async function signIn(user: DevUser): Promise<void> {
  const out = await api<{ token: string; expires_in: number }>('/dev/token', {
    method: 'POST',
    body: { sub: user.sub, role: user.role },
  });
  saveSession({
    token: out.token,
    sub: user.sub,
    role: user.role,
    name: user.name ?? user.sub,
    expiresAt: Date.now() + out.expires_in * 1000,
  });
}
