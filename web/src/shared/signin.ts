import { api, SIGNED_OUT_EVENT } from './api.ts';
import { byId, h } from './dom.ts';
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
      renderAccount(info, roles, onChange, optional);
      onChange();
    });
    box.replaceChildren(h('span', { class: 'who' }, `Signed in as ${session.name} (${session.role})`), out);
    return;
  }
  if (!info) {
    box.replaceChildren(h('p', {}, 'Sign in with your company account to continue.'));
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
