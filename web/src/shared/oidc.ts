import type { Session } from './session.ts';

/** What the deployment writes to `/auth-config.json` (infra/constructs/site.ts › authConfig). */
export interface AuthConfig {
  issuer: string;
  authorize_url: string;
  token_url: string;
  logout_url: string;
  client_id: string;
  redirect_uri: string;
  role_claim: string;
}

/** What one sign-in attempt keeps in sessionStorage between leaving for the IdP and coming back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  /** Path (with query) the user started from, to return to after the exchange. */
  returnTo: string;
}

const ROLES: readonly Session['role'][] = ['admin', 'crew', 'customer'];

/** Base64url without padding (RFC 7636 § A). */
export function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A random URL-safe string from `bytes` random bytes (32 bytes → 43 characters, a valid verifier). */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 code challenge of a verifier: base64url(SHA-256(ascii(verifier))). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The authorize URL for the authorization-code flow with PKCE (S256), `state` and `nonce`. */
export function authorizeUrl(
  config: AuthConfig,
  pending: Pick<PendingSignIn, 'state' | 'nonce' | 'redirectUri'>,
  challenge: string,
): string {
  const url = new URL(config.authorize_url);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.client_id,
    redirect_uri: pending.redirectUri,
    scope: 'openid email profile',
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

/** The outcome of reading the address the IdP sent the browser back to. */
export type Callback = { kind: 'none' } | { kind: 'code'; code: string } | { kind: 'error'; message: string };

/**
 * Reads `?code=&state=` (or `?error=`) from a page address. A code whose state is not the one this
 * tab sent is refused: it may be a login forced on the user by another site (CSRF).
 */
export function readCallback(search: string, expectedState: string | undefined): Callback {
  const q = new URLSearchParams(search);
  const code = q.get('code');
  const error = q.get('error');
  if (!code && !error) return { kind: 'none' };
  if (!expectedState || q.get('state') !== expectedState) {
    return { kind: 'error', message: 'The sign-in answer did not match this tab; sign in again.' };
  }
  if (error) return { kind: 'error', message: q.get('error_description') ?? `Sign-in failed (${error}).` };
  return { kind: 'code', code: code as string };
}

/** The page address without the sign-in answer's parameters (for `history.replaceState`). */
export function withoutCallback(href: string): string {
  const url = new URL(href);
  for (const k of ['code', 'state', 'error', 'error_description']) url.searchParams.delete(k);
  return url.pathname + url.search + url.hash;
}

/** The token request a public client sends (form-encoded, no secret: the verifier proves the caller). */
export function tokenRequestBody(config: AuthConfig, code: string, pending: PendingSignIn): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: config.client_id,
    code,
    redirect_uri: pending.redirectUri,
    code_verifier: pending.verifier,
  });
}

/** The logout URL: Cognito ends its own session, then sends the browser to `logout_uri`. */
export function logoutUrl(config: AuthConfig): string {
  const url = new URL(config.logout_url);
  url.search = new URLSearchParams({
    client_id: config.client_id,
    logout_uri: config.redirect_uri,
  }).toString();
  return url.toString();
}

/** The payload of a JWT, unverified: the page only displays it; the API verifies every call. */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) throw new Error('Not a JWT.');
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/**
 * The session of an ID token from the token endpoint. Checks what the page can check without
 * keys (issuer, audience, nonce, expiry, one known role) so a wrong answer fails here, plainly.
 */
export function sessionFromIdToken(
  idToken: string,
  config: AuthConfig,
  nonce: string,
  now = Date.now(),
): Session {
  const c = jwtClaims(idToken);
  if (c.iss !== config.issuer) throw new Error('The sign-in answer came from another issuer.');
  const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (!aud.includes(config.client_id)) throw new Error('The sign-in answer was for another app.');
  if (c.nonce !== nonce) throw new Error('The sign-in answer did not match this sign-in; sign in again.');
  if (typeof c.exp !== 'number' || c.exp * 1000 <= now) throw new Error('The sign-in answer has expired.');
  const role = c[config.role_claim];
  if (typeof role !== 'string' || !ROLES.includes(role as Session['role'])) {
    throw new Error('Your account has no QuickDumpNow role; ask an administrator.');
  }
  if (typeof c.sub !== 'string') throw new Error('The sign-in answer names nobody.');
  const name = [c.name, c.email, c['cognito:username'], c.sub].find((v) => typeof v === 'string') as string;
  return { token: idToken, sub: c.sub, role: role as Session['role'], name, expiresAt: c.exp * 1000 };
}
