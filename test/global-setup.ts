import { ensureWebBuilt } from '../web/build/ensure-built.ts';

/** Builds the web pages (when stale) once before any test file runs: the browser tests serve them. */
export default async function setup(): Promise<void> {
  await ensureWebBuilt();
}
