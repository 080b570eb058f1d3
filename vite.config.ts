import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { pageBudget } from './web/build/page-budget.ts';

const root = resolve(import.meta.dirname, 'web');

/** Every page the site serves: the dashboard, tracking, booking, ops and the 404 page. */
export const pages = {
  dashboard: resolve(root, 'index.html'),
  track: resolve(root, 'track/index.html'),
  book: resolve(root, 'book/index.html'),
  ops: resolve(root, 'ops/index.html'),
  notFound: resolve(root, '404.html'),
};

export default defineConfig({
  root,
  base: '/',
  // No public/ folder: every file the pages need is imported, so it is hashed and budgeted.
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    // Vite's own size report lists chunks; the budget plugin prints what each page really loads.
    reportCompressedSize: false,
    // Every browser these pages support has modulepreload; the polyfill would be dead weight.
    modulePreload: { polyfill: false },
    rolldownOptions: { input: pages },
  },
  plugins: [pageBudget({ maxGzipBytes: 60 * 1024 })],
});
