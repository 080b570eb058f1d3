import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageFor, serveStatic } from './static-files.ts';

describe('pageFor', () => {
  it('maps the pages of API.md › Pages and nothing else', () => {
    expect(pageFor('/')).toBe('index.html');
    expect(pageFor('/track/job-demo-1')).toBe('track/index.html');
    expect(pageFor('/track/quote-01ABC/')).toBe('track/index.html');
    expect(pageFor('/book')).toBe('book/index.html');
    expect(pageFor('/ops/')).toBe('ops/index.html');
    for (const path of ['/track', '/track/', '/track/a/b', '/booking', '/ops/x', '/index.htm']) {
      expect(pageFor(path), path).toBeUndefined();
    }
  });
});

describe('serveStatic', () => {
  let root: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // Prepare: a built site with one page, one asset and the 404 page; a secret beside it.
    const dir = await mkdtemp(join(tmpdir(), 'qdn-static-'));
    root = join(dir, 'web');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<h1>dashboard</h1>');
    await writeFile(join(root, '404.html'), '<h1>Page not found</h1>');
    await writeFile(join(root, 'assets', 'app-abc123.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'TOPSECRET');
    server = createServer((req, res) => {
      void serveStatic(root, new URL(req.url ?? '/', 'http://x').pathname, res, req.method === 'HEAD');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.close();
    await rm(join(root, '..'), { recursive: true, force: true });
  });

  it('serves pages uncached, hashed assets for a year, and the 404 page with status 404', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const asset = await fetch(`${base}/assets/app-abc123.js`);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const missing = await fetch(`${base}/track`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Page not found');
  });

  it('never leaves the web root', async () => {
    for (const path of ['/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/assets/%zz']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('TOPSECRET');
    }
  });

  it('says the pages are not built instead of a blank 404 when dist/web is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'qdn-static-empty-'));
    const other = createServer((req, res) => {
      void serveStatic(empty, req.url ?? '/', res, false);
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    const res = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
    other.close();
    await rm(empty, { recursive: true, force: true });
  });
});
