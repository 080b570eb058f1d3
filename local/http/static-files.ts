import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const CSP = [
  "default-src 'self'",
  // Thumbnails and uploads go to the local S3 endpoint on its own port.
  "img-src 'self' blob: data: http://127.0.0.1:* http://localhost:*",
  "connect-src 'self' http://127.0.0.1:* http://localhost:*",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** The page that answers a path (API.md › Pages), or undefined for an unknown one. */
export function pageFor(pathname: string): string | undefined {
  if (pathname === '/' || pathname === '/index.html') return 'index.html';
  if (/^\/track\/[^/]+\/?$/.test(pathname)) return 'track/index.html';
  if (pathname === '/book' || pathname === '/book/') return 'book/index.html';
  if (pathname === '/ops' || pathname === '/ops/') return 'ops/index.html';
  return undefined;
}

/**
 * Serves the built pages (`dist/web`, see vite.config.ts) for GET and HEAD: a page for each of
 * its paths, hashed assets under `/assets/`, and the 404 page (HTML, status 404) for anything
 * else — never JSON, which is for API routes. Answers 503 with a hint when nothing is built.
 * Always answers; returns true once it has.
 */
export async function serveStatic(
  root: string,
  pathname: string,
  res: ServerResponse,
  head: boolean,
): Promise<boolean> {
  const page = pageFor(pathname);
  if (page) return (await send(res, join(root, page), 200, head, 'no-cache')) || notBuilt(res, root, head);
  if (pathname.startsWith('/assets/')) {
    const file = inside(root, pathname);
    // Asset names carry a content hash, so a browser may keep them for good.
    if (file && (await send(res, file, 200, head, 'public, max-age=31536000, immutable'))) return true;
  }
  return (await send(res, join(root, '404.html'), 404, head, 'no-cache')) || notBuilt(res, root, head);
}

function inside(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  const target = normalize(join(root, decoded));
  // Never leave the web root, whatever the path says.
  return target.startsWith(root + sep) ? target : undefined;
}

async function send(
  res: ServerResponse,
  file: string,
  status: number,
  head: boolean,
  cache: string,
): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  res.writeHead(status, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': cache,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': CSP,
  });
  if (head) res.end();
  else createReadStream(file).pipe(res);
  return true;
}

function notBuilt(res: ServerResponse, root: string, head: boolean): true {
  const body = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Pages not built</title><p>The web pages are not built in ${escapeHtml(root)}. Run <code>npm run build</code> (npm start does it for you).</p></html>`;
  res.writeHead(503, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(head ? undefined : body);
  return true;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
