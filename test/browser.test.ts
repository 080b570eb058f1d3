import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/chromium.ts';
import { type LocalStack, postToS3, startLocalStack } from './helpers/local-stack.ts';
import { makePhoto } from './helpers/photos.ts';

const SHOTS = join(import.meta.dirname, '..', 'test-results');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SITE = { latitude: 39.9527, longitude: -75.1651, accuracy: 20 };

let stack: LocalStack;
let browser: Browser;
let s3Origin: string;

beforeAll(async () => {
  stack = await startLocalStack();
  await mkdir(SHOTS, { recursive: true });
  const launched = await launchChromium();
  browser = launched.browser;
  console.log(
    `browser tests run in ${launched.choice.source} Chromium ${browser.version()} (${launched.choice.executablePath})`,
  );
  s3Origin = new URL(stack.runtime.urls.s3).origin;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function crewContext(): Promise<BrowserContext> {
  return browser.newContext({
    geolocation: SITE,
    permissions: ['geolocation'],
    viewport: { width: 390, height: 844 },
  });
}

async function signIn(page: Page, sub: string, path = '/'): Promise<void> {
  await page.goto(`${stack.api}${path}`);
  await page.selectOption('#user', sub);
  await page.click('#signin button[type="submit"]');
  await page.getByText(/^Signed in as /).waitFor();
}

async function openJob(page: Page, jobId: string): Promise<void> {
  await page.click(`a.job[data-job-id="${jobId}"]`);
  await page.locator('#drawer').waitFor({ state: 'visible' });
}

const card = (page: Page, filename: string) =>
  page.locator('#cards li.card').filter({ has: page.locator('.filename', { hasText: filename }) });

async function waitReady(page: Page, filename: string, timeout = 30_000): Promise<void> {
  await card(page, filename).and(page.locator('[data-state="ready"]')).waitFor({ timeout });
  await expect
    .poll(() =>
      card(page, filename)
        .locator('img')
        .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
    )
    .toBe(320);
}

describe('pages are served as pages', () => {
  it('answers each page with HTML, unknown paths with the 404 page, and API paths with JSON', async () => {
    for (const path of ['/', '/track/job-demo-1', '/book', '/ops']) {
      const res = await fetch(`${stack.api}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
    }
    for (const path of ['/nope', '/track', '/track/a/b', '/assets/missing.js', '/..%2fpackage.json']) {
      const res = await fetch(`${stack.api}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(await res.text(), path).toContain('Page not found');
    }
    const api = await fetch(`${stack.api}/list-photos?job_id=job-demo-1`);
    expect(api.status).toBe(401);
    expect((await api.json()).error.code).toBe('unauthenticated');
  });

  it('posts a file straight to the local S3 with the presigned POST fields (CORS on another port)', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.api}/`);
    const token = await stack.token('crew-demo', 'crew');
    const result = await page.evaluate(async (bearer) => {
      const grant = await fetch('/upload-url', {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ job_id: 'job-demo-1', filename: 'x.png', content_type: 'image/png' }),
      }).then((r) => r.json());
      const form = new FormData();
      for (const [k, v] of Object.entries(grant.fields as Record<string, string>)) form.append(k, v);
      form.append(
        'file',
        new Blob([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10])], { type: 'image/png' }),
        'x.png',
      );
      const res = await fetch(grant.url, { method: 'POST', body: form });
      return { status: res.status, body: await res.text(), origin: location.origin, s3: grant.url };
    }, token);
    expect(new URL(result.s3).origin).not.toBe(result.origin);
    expect(result.status).toBe(201);
    expect(result.body).toContain('<PostResponse>');
    await page.close();
  });
});

describe('the crew job drawer', () => {
  it('signs in, opens job-demo-1, adds two photos, shows progress then both thumbnails', async () => {
    const context = await crewContext();
    const page = await context.newPage();
    await signIn(page, 'crew-demo');
    await openJob(page, 'job-demo-1');
    await expect.poll(() => page.locator('#job-details').textContent()).toContain('1400 John F Kennedy Blvd');
    // Slow the phone's uplink so progress is visible, as on a weak mobile connection.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 120 * 1024,
    });
    await page.evaluate(() => {
      const seen: Array<{ key: string; state: string; progress: number | null }> = [];
      (window as unknown as { seen: typeof seen }).seen = seen;
      new MutationObserver(() => {
        for (const li of document.querySelectorAll<HTMLElement>('#cards li.card')) {
          const bar = li.querySelector('progress');
          seen.push({
            key: li.dataset.key ?? '',
            state: li.dataset.state ?? '',
            progress: bar ? bar.value : null,
          });
        }
      }).observe(document.getElementById('cards') as HTMLElement, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true,
      });
    });
    await page.setInputFiles('#choose', [
      { name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: await makePhoto('drop-off', '#2a6f97') },
      { name: 'IMG_2042.jpg', mimeType: 'image/jpeg', buffer: await makePhoto('fill level', '#6a994e') },
    ]);
    await waitReady(page, 'IMG_2041.jpg');
    await waitReady(page, 'IMG_2042.jpg');
    const seen = await page.evaluate(
      () => (window as unknown as { seen: Array<{ state: string; progress: number | null }> }).seen,
    );
    expect(
      seen.some((s) => s.state === 'uploading' && s.progress !== null && s.progress > 0 && s.progress < 1),
    ).toBe(true);
    expect(seen.some((s) => s.state === 'checking')).toBe(true);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    // Newest first, each card named by its file.
    const names = await page.locator('#cards li.card .filename').allTextContents();
    expect(names.slice(0, 2)).toEqual(['IMG_2042.jpg', 'IMG_2041.jpg']);

    // Tap → the large view with taken-at, location source and a map link.
    await card(page, 'IMG_2041.jpg').locator('button.thumb-button').click();
    const viewer = page.locator('dialog.viewer[open]');
    await viewer.waitFor();
    expect(await viewer.locator('[data-fact="taken-at"]').textContent()).toMatch(/2026/);
    expect(await viewer.locator('[data-fact="location-source"]').textContent()).toMatch(/device GPS/);
    expect(await viewer.locator('a').getAttribute('href')).toMatch(/openstreetmap\.org\/\?mlat=39\.95/);
    await expect
      .poll(() => viewer.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(1200);
    await page.screenshot({ path: join(SHOTS, 'viewer-390.png') });
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    await context.close();
  });

  it('shows a non-image with its plain reason on its own card', async () => {
    const context = await crewContext();
    const page = await context.newPage();
    await signIn(page, 'crew-demo');
    await openJob(page, 'job-demo-1');
    await page.setInputFiles('#choose', [
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('call the customer before pickup') },
      // Says it is a JPEG, is really HTML: only the pipeline's check can tell.
      {
        name: 'IMG_fake.jpg',
        mimeType: 'image/jpeg',
        buffer: Buffer.from('<html><body>not a photo</body></html>'),
      },
      { name: 'IMG_2043.jpg', mimeType: 'image/jpeg', buffer: await makePhoto('pickup', '#bc4749') },
    ]);
    for (const name of ['notes.txt', 'IMG_fake.jpg']) {
      const refused = card(page, name).and(page.locator('[data-state="refused"]'));
      await refused.waitFor({ timeout: 20_000 });
      expect(await refused.locator('.state-label').textContent()).toBe('Refused: not a photo');
    }
    await waitReady(page, 'IMG_2043.jpg');
    expect(await card(page, 'IMG_2043.jpg').locator('.state-label').textContent()).toBe('Ready');
    // A filename is text, never markup.
    const hostile = '<img src=x onerror="window.pwned=1">.txt';
    await page.setInputFiles('#choose', {
      name: hostile,
      mimeType: 'text/html',
      buffer: Buffer.from('<p>hi</p>'),
    });
    await card(page, hostile).and(page.locator('[data-state="refused"]')).waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await card(page, hostile).getByRole('button', { name: 'Remove' }).click();
    await card(page, hostile).waitFor({ state: 'detached' });
    await page.screenshot({ path: join(SHOTS, 'drawer-crew-390.png'), fullPage: true });
    await context.close();
  });

  it('sends a photo picked offline once the phone is back online', async () => {
    const context = await crewContext();
    const page = await context.newPage();
    await signIn(page, 'crew-demo');
    await openJob(page, 'job-demo-1');
    await context.setOffline(true);
    await page.setInputFiles('#choose', {
      name: 'IMG_offline.jpg',
      mimeType: 'image/jpeg',
      buffer: await makePhoto('offline', '#7b2cbf'),
    });
    const waiting = card(page, 'IMG_offline.jpg').and(page.locator('[data-state="queued"]'));
    await waiting.waitFor();
    await expect.poll(() => page.locator('#queue-status').textContent()).toMatch(/Offline/);
    await page.waitForTimeout(1500);
    expect(await waiting.count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'drawer-offline-390.png') });
    await context.setOffline(false);
    await waitReady(page, 'IMG_offline.jpg');
    await context.close();
  });

  it('sends a photo queued before a reload after the reload', async () => {
    const context = await crewContext();
    const page = await context.newPage();
    await signIn(page, 'crew-demo');
    await openJob(page, 'job-demo-1');
    // S3 holds this upload until the page goes away; then the connection drops, as it would.
    const held: Route[] = [];
    await context.route(`${s3Origin}/**`, (route) => {
      held.push(route);
    });
    await page.setInputFiles('#choose', {
      name: 'IMG_reload.jpg',
      mimeType: 'image/jpeg',
      buffer: await makePhoto('reload', '#ee9b00'),
    });
    await card(page, 'IMG_reload.jpg').and(page.locator('[data-state="uploading"]')).waitFor();
    for (const route of held) await route.abort('connectionaborted').catch(() => undefined);
    await context.unrouteAll({ behavior: 'ignoreErrors' });
    await page.reload();
    // Still signed in (the session is kept for the tab), the drawer comes back from the URL.
    await page.locator('#drawer').waitFor({ state: 'visible' });
    await waitReady(page, 'IMG_reload.jpg');
    expect(await card(page, 'IMG_reload.jpg').count()).toBe(1);
    await context.close();
  });
});

describe('an upload URL that expires before the photo is sent', () => {
  let short: LocalStack;
  beforeAll(async () => {
    short = await startLocalStack({ QDN_UPLOAD_URL_TTL_SECONDS: '2' });
  }, 60_000);
  afterAll(async () => {
    await short?.stop();
  });

  it('gets a fresh URL and sends the photo anyway', async () => {
    const context = await crewContext();
    const page = await context.newPage();
    const s3 = new URL(short.runtime.urls.s3).origin;
    let held = 0;
    // The first post waits until its 2 s grant has expired, as on a phone that lost signal.
    await context.route(`${s3}/**`, async (route) => {
      if (route.request().method() === 'POST' && held++ === 0) await new Promise((r) => setTimeout(r, 3500));
      await route.continue();
    });
    await page.goto(`${short.api}/`);
    await page.selectOption('#user', 'crew-demo');
    await page.click('#signin button[type="submit"]');
    await openJob(page, 'job-demo-1');
    await page.setInputFiles('#choose', {
      name: 'IMG_late.jpg',
      mimeType: 'image/jpeg',
      buffer: await makePhoto('late', '#588157'),
    });
    await waitReady(page, 'IMG_late.jpg');
    expect(held).toBe(2);
    const token = await short.token('crew-demo', 'crew');
    const photos = (await short.call('GET', '/list-photos?job_id=job-demo-1', { token })).body.photos;
    // Two grants for one photo: the expired one was never filled, the fresh one is ready.
    expect(photos.map((p: { status: string }) => p.status).sort()).toEqual(['pending', 'ready']);
    expect(await card(page, 'IMG_late.jpg').count()).toBe(1);
    await context.close();
  });
});

describe('the customer tracking page', () => {
  it('shows the owner only the ready photos, and adds new ones without a reload', async () => {
    const token = await stack.token('cust-demo', 'customer');
    const crewToken = await stack.token('crew-demo', 'crew');
    const all = await stack.call('GET', '/list-photos?job_id=job-demo-1', { token: crewToken });
    const ready = all.body.photos.filter((p: { status: string }) => p.status === 'ready');
    expect(all.body.photos.length).toBeGreaterThan(ready.length); // the refused fake is in there
    // The API itself keeps it from the customer (not only the page).
    const listed = await stack.call('GET', '/list-photos?job_id=job-demo-1', { token });
    expect(listed.body.photos).toHaveLength(ready.length);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, 'cust-demo', '/track/job-demo-1');
    const images = page.locator('#gallery li img');
    await expect.poll(() => images.count()).toBe(ready.length);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/IMG_fake|notes\.txt|Refused|far from/i);
    expect(await page.locator('[data-state="refused"], [data-photo-id]').count()).toBe(ready.length);
    // The crew adds a photo elsewhere; it appears here without a reload.
    const crew = await stack.token('crew-demo', 'crew');
    const grant = await stack.call('POST', '/upload-url', {
      token: crew,
      body: { job_id: 'job-demo-1', filename: 'later.jpg', content_type: 'image/jpeg' },
    });
    expect((await postToS3(grant.body, await makePhoto('later', '#264653'), 'image/jpeg')).status).toBe(201);
    await expect.poll(() => images.count(), { timeout: 30_000 }).toBe(ready.length + 1);
    await page.locator('#gallery li button').first().click();
    await page.locator('dialog.viewer[open]').waitFor();
    await page.keyboard.press('Escape');
    await context.close();
  });

  it('tells another customer plainly that the job is not theirs', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, 'cust-other', '/track/job-demo-1');
    await page.getByRole('heading', { name: 'This job is not yours' }).waitFor();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toContain('1400 John F Kennedy');
    await context.close();
  });
});

describe('a refused token', () => {
  it('signs the tab out and shows the sign-in again instead of a dead page', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${stack.api}/track/job-demo-1`);
    await page.evaluate(() =>
      sessionStorage.setItem(
        'qdn.session',
        JSON.stringify({
          token: 'not-a-jwt',
          sub: 'cust-demo',
          role: 'customer',
          name: 'Casey',
          expiresAt: Date.now() + 3600_000,
        }),
      ),
    );
    await page.reload();
    await page.locator('#signin').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('qdn.session'))).toBeNull();
    await context.close();
  });
});

describe('every page in three sizes', () => {
  const pages: Array<{ name: string; path: string; as?: string; prepare?: (page: Page) => Promise<void> }> = [
    { name: 'signin', path: '/' },
    {
      name: 'drawer',
      path: '/',
      as: 'crew-demo',
      prepare: async (page) => {
        await openJob(page, 'job-demo-1');
        await page.locator('#cards li.card[data-state="ready"] img').first().waitFor();
      },
    },
    {
      name: 'tracking',
      path: '/track/job-demo-1',
      as: 'cust-demo',
      prepare: (p) => p.locator('#gallery img').first().waitFor(),
    },
    {
      name: 'not-yours',
      path: '/track/job-demo-1',
      as: 'cust-other',
      prepare: (p) => p.getByText('This job is not yours').first().waitFor(),
    },
    { name: 'book', path: '/book' },
    { name: 'ops', path: '/ops' },
    { name: 'not-found', path: '/no-such-page' },
  ];

  for (const width of [1280, 390, 360]) {
    it(`has no serious accessibility violation and saves a screenshot of each page at ${width} px`, async () => {
      // axe is injected as a script: let it past the pages' CSP in this context only.
      const context = await browser.newContext({
        viewport: { width, height: width > 800 ? 800 : 844 },
        bypassCSP: true,
        geolocation: SITE,
        permissions: ['geolocation'],
      });
      const page = await context.newPage();
      const problems: string[] = [];
      for (const p of pages) {
        if (p.as) await signIn(page, p.as, p.path);
        else await page.goto(`${stack.api}${p.path}`);
        await p.prepare?.(page);
        await page.waitForLoadState('networkidle').catch(() => undefined);
        await page.addScriptTag({ path: AXE });
        const violations = await page.evaluate(async () => {
          const axe = (
            window as unknown as {
              axe: {
                run: () => Promise<{
                  violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>;
                  passes: unknown[];
                }>;
              };
            }
          ).axe;
          const out = await axe.run();
          return {
            passes: out.passes.length,
            found: out.violations.map((v) => ({
              id: v.id,
              impact: v.impact,
              targets: v.nodes.map((n) => n.target.join(' ')),
            })),
          };
        });
        // axe really ran its rules on this page.
        expect(violations.passes, p.name).toBeGreaterThan(10);
        for (const v of violations.found) {
          if (v.impact === 'serious' || v.impact === 'critical')
            problems.push(`${p.name}: ${v.id} (${v.impact}) at ${v.targets.join(', ')}`);
        }
        // Usable down to 360 px: nothing wider than the screen.
        expect(
          await page.evaluate(() => document.documentElement.scrollWidth),
          `${p.name} at ${width} px`,
        ).toBeLessThanOrEqual(width);
        await page.screenshot({ path: join(SHOTS, `${p.name}-${width}.png`), fullPage: true });
        await page.evaluate(() => sessionStorage.clear());
      }
      expect(problems).toEqual([]);
      await context.close();
    }, 120_000);
  }
});
