import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..', '..');
const STAMP = join(repo, 'dist', '.web-inputs');

/** A hash of everything the pages are built from (web/ without its tests, vite.config.ts). */
export async function webInputsHash(): Promise<string> {
  const files = [join(repo, 'vite.config.ts'), ...(await listFiles(join(repo, 'web')))].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash
      .update(relative(repo, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex');
}

/**
 * Builds `dist/web` when it is missing or older than its sources, else does nothing (a few
 * milliseconds), so `npm start` and `npm test` on a fresh clone serve real built pages.
 */
export async function ensureWebBuilt(): Promise<'built' | 'fresh'> {
  const inputs = await webInputsHash();
  const stamp = await readFile(STAMP, 'utf8').catch(() => '');
  const index = await readFile(join(repo, 'dist', 'web', 'index.html')).catch(() => undefined);
  if (stamp === inputs && index) return 'fresh';
  const { build } = await import('vite');
  await build({ configFile: join(repo, 'vite.config.ts') });
  await writeFile(STAMP, inputs);
  return 'built';
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (!entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const started = Date.now();
  const outcome = await ensureWebBuilt();
  console.log(
    `web pages ${outcome === 'built' ? 'built' : 'up to date'} in dist/web (${Date.now() - started} ms)`,
  );
}
