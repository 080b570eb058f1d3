import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from './helpers/local-stack.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, '..', 'test-results');

let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Expected Debian's Chromium at ${CHROMIUM}; .ci/run installs it (apt-get install chromium)`,
    );
  stack = await startLocalStack();
  await mkdir(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // No --user-data-dir here: Playwright refuses it in launch() and gives every launch a
      // fresh temporary profile of its own, which is what the flag was for.
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the dashboard in Chromium', () => {
  it('posts a file straight to the local S3 with the createPresignedPost fields (CORS on another port)', async () => {
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

  it('lets a crew member add a photo from the job drawer and see its thumbnail', async () => {
    const context = await browser.newContext({
      geolocation: { latitude: 39.9527, longitude: -75.1651, accuracy: 20 },
      permissions: ['geolocation'],
      viewport: { width: 1100, height: 760 },
    });
    const page = await context.newPage();
    await page.goto(`${stack.api}/`);
    await page.selectOption('#user', { label: 'crew-demo (crew)' });
    await page.click('#signin button');
    await page.getByText('job-demo-1').click();
    const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#2a6f97' } })
      .composite([
        {
          input: Buffer.from(
            '<svg width="1200" height="900"><rect x="100" y="100" width="500" height="300" fill="#f4a261"/></svg>',
          ),
        },
      ])
      .jpeg()
      .toBuffer();
    await page.setInputFiles('#file', { name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.waitForSelector('#uploads li[data-state="done"]', { timeout: 20_000 });
    const card = page.locator('#photos li[data-status="ready"] img');
    await card.first().waitFor({ timeout: 30_000 });
    await expect
      .poll(() => card.first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
        timeout: 10_000,
      })
      .toBe(320);
    await expect
      .poll(() => page.locator('#photos li[data-status="ready"]').first().textContent())
      .toContain('GPS (device)');
    await page.screenshot({ path: join(SHOTS, 'dashboard-crew.png'), fullPage: true });
    await context.close();
  });

  it('shows a refused upload with a reason the crew member can read', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.api}/`);
    await page.selectOption('#user', { label: 'crew-demo (crew)' });
    await page.click('#signin button');
    await page.getByText('job-demo-1').click();
    await page.setInputFiles('#file', {
      name: 'notes.gif',
      mimeType: 'image/gif',
      buffer: Buffer.from('GIF89a'),
    });
    const failed = page.locator('#uploads li[data-state="failed"]');
    await failed.waitFor({ timeout: 10_000 });
    expect(await failed.textContent()).toMatch(/Expected one of image\/jpeg/);
    await page.close();
  });
});
