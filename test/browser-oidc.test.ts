import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, type JWK, SignJWT } from 'jose';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ALGORITHM, DEV_ISSUER } from '../local/identity/dev-identity.ts';
import { launchChromium } from './helpers/chromium.ts';
import { type LocalStack, startLocalStack } from './helpers/local-stack.ts';

// The pages as they run on AWS: no /dev/info, an /auth-config.json, and a hosted sign-in at another
// origin. page.route() stands in for Cognito's authorize, token and logout endpoints (a third-party
// IdP); the API behind the pages is the real local runtime, which verifies the ID token the
// stand-in issues with the issuer key it trusts — so "Signed in as" is followed by real API calls.
const IDP = 'http://127.0.0.1:9'; // the local CSP's connect-src allows 127.0.0.1:*; nothing listens
const CLIENT_ID = 'qdn-api'; // the runtime's audience, as on AWS the app client id is
const ROLE_CLAIM = 'custom:qdn_role';

let stack: LocalStack;
let browser: Browser;
let dataDir: string;
let sign: (claims: Record<string, unknown>) => Promise<string>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'qdn-oidc-'));
  stack = await startLocalStack({ QDN_DATA_DIR: dataDir, QDN_ROLE_CLAIM: ROLE_CLAIM });
  const jwk = JSON.parse(await readFile(join(dataDir, 'identity', 'signing-key.json'), 'utf8')) as JWK;
  const key = await importJWK(jwk, DEV_ALGORITHM);
  sign = (claims) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: DEV_ALGORITHM, kid: jwk.kid as string, typ: 'JWT' })
      .setIssuer(DEV_ISSUER)
      .setAudience(CLIENT_ID)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
  ({ browser } = await launchChromium());
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface IdpLog {
  authorize: URLSearchParams[];
  token: URLSearchParams[];
  logout: URLSearchParams[];
}

/** The AWS-shaped edge: /dev/info gone, /auth-config.json present, Cognito's endpoints stood in. */
async function awsPage(options: { tamperState?: boolean } = {}): Promise<{ page: Page; log: IdpLog }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const log: IdpLog = { authorize: [], token: [], logout: [] };
  const codes = new Map<string, { challenge: string; nonce: string; redirectUri: string }>();
  await page.route(`${stack.api}/dev/info`, (route) =>
    route.fulfill({
      status: 404,
      contentType: 'application/json',
      body: '{"error":{"code":"not_found","message":"no"}}',
    }),
  );
  await page.route(`${stack.api}/auth-config.json`, (route) =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({
        issuer: DEV_ISSUER,
        authorize_url: `${IDP}/oauth2/authorize`,
        token_url: `${IDP}/oauth2/token`,
        logout_url: `${IDP}/logout`,
        client_id: CLIENT_ID,
        redirect_uri: `${stack.api}/`,
        role_claim: ROLE_CLAIM,
      }),
    }),
  );
  await page.route(`${IDP}/oauth2/authorize?*`, async (route) => {
    const q = new URL(route.request().url()).searchParams;
    log.authorize.push(q);
    const code = `code-${log.authorize.length}`;
    codes.set(code, {
      challenge: q.get('code_challenge') ?? '',
      nonce: q.get('nonce') ?? '',
      redirectUri: q.get('redirect_uri') ?? '',
    });
    const back = new URL(q.get('redirect_uri') as string);
    back.searchParams.set('code', code);
    back.searchParams.set('state', options.tamperState ? 'forged' : (q.get('state') as string));
    await route.fulfill({ status: 302, headers: { location: back.toString() } });
  });
  await page.route(`${IDP}/oauth2/token`, async (route: Route) => {
    const req = route.request();
    const form = new URLSearchParams(req.postData() ?? '');
    log.token.push(form);
    const issued = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? ''); // single use, as Cognito's codes are
    const verifier = form.get('code_verifier') ?? '';
    const ok =
      req.method() === 'POST' &&
      req.headers()['content-type']?.startsWith('application/x-www-form-urlencoded') &&
      form.get('grant_type') === 'authorization_code' &&
      form.get('client_id') === CLIENT_ID &&
      issued !== undefined &&
      form.get('redirect_uri') === issued.redirectUri &&
      createHash('sha256').update(verifier).digest('base64url') === issued.challenge;
    const cors = { 'access-control-allow-origin': stack.api };
    if (!ok || !issued) {
      return route.fulfill({
        status: 400,
        headers: cors,
        contentType: 'application/json',
        body: '{"error":"invalid_grant"}',
      });
    }
    const idToken = await sign({
      sub: 'cog-7f3a',
      email: 'dana@example.com',
      nonce: issued.nonce,
      token_use: 'id',
      [ROLE_CLAIM]: 'admin',
    });
    await route.fulfill({
      headers: cors,
      contentType: 'application/json',
      body: JSON.stringify({
        id_token: idToken,
        access_token: 'unused',
        token_type: 'Bearer',
        expires_in: 3600,
      }),
    });
  });
  await page.route(`${IDP}/logout?*`, async (route) => {
    const q = new URL(route.request().url()).searchParams;
    log.logout.push(q);
    await route.fulfill({ status: 302, headers: { location: q.get('logout_uri') as string } });
  });
  return { page, log };
}

describe('staff sign-in on AWS (OIDC, authorization code + PKCE)', () => {
  it('signs in through the hosted sign-in, strips the code from the address, calls the API, signs out', async () => {
    const { page, log } = await awsPage();
    await page.goto(`${stack.api}/ops`);
    await page.getByText('Sign in with your company account to continue.').waitFor();
    expect(await page.locator('#user').count()).toBe(0); // no picker without /dev/info
    const status = page.waitForResponse((r) => r.url() === `${stack.api}/ops/status`);
    await page.click('#oidc-signin');
    await page.getByText('Signed in as dana@example.com (admin)').waitFor();
    // The page's API call carried the ID token and the real verifier accepted it.
    expect((await status).status()).toBe(200);

    const [sent] = log.authorize as [URLSearchParams];
    expect(sent.get('response_type')).toBe('code');
    expect(sent.get('code_challenge_method')).toBe('S256');
    expect(sent.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sent.get('scope')).toBe('openid email profile');
    expect(sent.get('redirect_uri')).toBe(`${stack.api}/ops`);
    expect(sent.get('state')?.length).toBeGreaterThanOrEqual(43);
    expect(log.token).toHaveLength(1);
    expect(log.token[0]?.has('client_secret')).toBe(false);
    expect(page.url()).toBe(`${stack.api}/ops`);
    const stored = await page.evaluate(() => ({
      pending: sessionStorage.getItem('qdn.oidc.pending'),
      session: JSON.parse(sessionStorage.getItem('qdn.session') ?? 'null'),
    }));
    expect(stored.pending).toBeNull();
    expect(stored.session).toMatchObject({ sub: 'cog-7f3a', role: 'admin', name: 'dana@example.com' });

    // A reload keeps the session for the tab, as the local picker's does.
    await page.reload();
    await page.getByText('Signed in as dana@example.com (admin)').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${stack.api}/`);
    await page.locator('#oidc-signin').waitFor();
    expect(Object.fromEntries(log.logout[0] ?? [])).toEqual({
      client_id: CLIENT_ID,
      logout_uri: `${stack.api}/`,
    });
    expect(await page.evaluate(() => sessionStorage.getItem('qdn.session'))).toBeNull();
    await page.context().close();
  });

  it('refuses an answer whose state is not the one the tab sent, and makes no token request', async () => {
    const { page, log } = await awsPage({ tamperState: true });
    await page.goto(`${stack.api}/ops`);
    await page.click('#oidc-signin');
    await page.getByText('The sign-in answer did not match this tab; sign in again.').waitFor();
    await page.locator('#oidc-signin').waitFor();
    expect(log.token).toHaveLength(0);
    expect(page.url()).toBe(`${stack.api}/ops`);
    expect(await page.getByText(/^Signed in as /).count()).toBe(0);
    await page.context().close();
  });

  it('shows the Sign in button again once the kept ID token has expired', async () => {
    const { page } = await awsPage();
    await page.goto(`${stack.api}/`);
    const token = await sign({ sub: 'cog-1', [ROLE_CLAIM]: 'crew' });
    await page.evaluate((t) => {
      sessionStorage.setItem(
        'qdn.session',
        JSON.stringify({ token: t, sub: 'cog-1', role: 'crew', name: 'cog-1', expiresAt: Date.now() - 1000 }),
      );
    }, token);
    await page.reload();
    await page.locator('#oidc-signin').waitFor();
    expect(await page.getByText(/^Signed in as /).count()).toBe(0);
    await page.context().close();
  });
});
