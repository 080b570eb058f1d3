import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AuthConfig,
  authorizeUrl,
  base64url,
  codeChallenge,
  jwtClaims,
  logoutUrl,
  type PendingSignIn,
  randomToken,
  readCallback,
  sessionFromIdToken,
  tokenRequestBody,
  withoutCallback,
} from './oidc.ts';

const config: AuthConfig = {
  issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc',
  authorize_url: 'https://qdn-staff.auth.us-east-1.amazoncognito.com/oauth2/authorize',
  token_url: 'https://qdn-staff.auth.us-east-1.amazoncognito.com/oauth2/token',
  logout_url: 'https://qdn-staff.auth.us-east-1.amazoncognito.com/logout',
  client_id: 'client123',
  redirect_uri: 'https://d1.cloudfront.net/',
  role_claim: 'custom:qdn_role',
};
const pending: PendingSignIn = {
  state: 'st',
  nonce: 'no',
  verifier: 'v'.repeat(43),
  redirectUri: 'https://d1.cloudfront.net/ops',
  returnTo: '/ops',
};
const jwt = (claims: Record<string, unknown>) =>
  `${base64url(new TextEncoder().encode('{"alg":"RS256"}'))}.${base64url(new TextEncoder().encode(JSON.stringify(claims)))}.sig`;
const good = {
  iss: config.issuer,
  aud: 'client123',
  sub: 'u-1',
  nonce: 'no',
  exp: 2_000_000_000,
  email: 'ana@example.com',
  'custom:qdn_role': 'admin',
};

describe('PKCE', () => {
  it('computes S256 as base64url(SHA-256(verifier)), RFC 7636 appendix B included', async () => {
    expect(await codeChallenge('dBjftJeZ4CVP-1B0zgQpBGKSWYw7ygoYdqDOGnwPAQjAhCMATOtQqlS2VXH6nXXQhvn8')).toBe(
      createHash('sha256')
        .update('dBjftJeZ4CVP-1B0zgQpBGKSWYw7ygoYdqDOGnwPAQjAhCMATOtQqlS2VXH6nXXQhvn8')
        .digest('base64url'),
    );
    // RFC 7636 appendix B.
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes random verifiers of the allowed alphabet and length', () => {
    const a = randomToken(48);
    expect(a).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(randomToken());
  });

  it('asks for the code flow with S256, state, nonce and the three scopes', () => {
    const url = new URL(authorizeUrl(config, pending, 'chal'));
    expect(url.origin + url.pathname).toBe(config.authorize_url);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client123',
      redirect_uri: 'https://d1.cloudfront.net/ops',
      scope: 'openid email profile',
      state: 'st',
      nonce: 'no',
      code_challenge: 'chal',
      code_challenge_method: 'S256',
    });
  });

  it('sends the verifier and the same redirect URI to the token endpoint, and no secret', () => {
    expect(Object.fromEntries(tokenRequestBody(config, 'c0de', pending))).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client123',
      code: 'c0de',
      redirect_uri: 'https://d1.cloudfront.net/ops',
      code_verifier: pending.verifier,
    });
  });
});

describe('the answer', () => {
  it('takes a code only with the state this tab sent', () => {
    expect(readCallback('', 'st')).toEqual({ kind: 'none' });
    expect(readCallback('?tab=jobs', 'st')).toEqual({ kind: 'none' });
    expect(readCallback('?code=abc&state=st', 'st')).toEqual({ kind: 'code', code: 'abc' });
    expect(readCallback('?code=abc&state=other', 'st').kind).toBe('error');
    expect(readCallback('?code=abc', 'st').kind).toBe('error');
    expect(readCallback('?code=abc&state=st', undefined).kind).toBe('error');
    expect(readCallback('?error=access_denied&error_description=nope&state=st', 'st')).toEqual({
      kind: 'error',
      message: 'nope',
    });
  });

  it('strips code and state from the address, keeping the rest', () => {
    expect(withoutCallback('https://x.test/ops?code=a&state=b')).toBe('/ops');
    expect(withoutCallback('https://x.test/?tab=1&code=a&state=b#h')).toBe('/?tab=1#h');
  });

  it('logs out through the hosted sign-in back to the site', () => {
    const url = new URL(logoutUrl(config));
    expect(url.origin + url.pathname).toBe(config.logout_url);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'client123',
      logout_uri: 'https://d1.cloudfront.net/',
    });
  });
});

describe('sessionFromIdToken', () => {
  it('keeps the token with the role from the role claim and a display name', () => {
    const token = jwt(good);
    expect(jwtClaims(token).sub).toBe('u-1');
    expect(sessionFromIdToken(token, config, 'no', 1_000_000_000_000)).toEqual({
      token,
      sub: 'u-1',
      role: 'admin',
      name: 'ana@example.com',
      expiresAt: 2_000_000_000_000,
    });
  });

  it('refuses another issuer, audience or nonce, an expired token and an unknown role', () => {
    const now = 1_000_000_000_000;
    expect(() => sessionFromIdToken(jwt({ ...good, iss: 'https://evil' }), config, 'no', now)).toThrow(
      /issuer/,
    );
    expect(() => sessionFromIdToken(jwt({ ...good, aud: 'other' }), config, 'no', now)).toThrow(
      /another app/,
    );
    expect(() => sessionFromIdToken(jwt(good), config, 'other', now)).toThrow(/did not match/);
    expect(() => sessionFromIdToken(jwt({ ...good, exp: 999_999_999 }), config, 'no', now)).toThrow(
      /expired/,
    );
    expect(() => sessionFromIdToken(jwt({ ...good, 'custom:qdn_role': 'root' }), config, 'no', now)).toThrow(
      /no QuickDumpNow role/,
    );
    expect(() =>
      sessionFromIdToken(jwt({ ...good, 'custom:qdn_role': undefined }), config, 'no', now),
    ).toThrow(/no QuickDumpNow role/);
  });
});
