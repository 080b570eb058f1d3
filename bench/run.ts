/**
 * `npm run bench`: runs the exported `run()` of every `bench/*.bench.ts` module in turn; each
 * prints its own tables. Timings are printed, never asserted: this machine is shared and noisy.
 */
import { readdir } from 'node:fs/promises';

const here = new URL('.', import.meta.url);
const modules = (await readdir(here)).filter((name) => name.endsWith('.bench.ts')).sort();
for (const name of modules) {
  const module = (await import(new URL(name, here).href)) as { run?: () => Promise<void> };
  if (typeof module.run !== 'function')
    throw new Error(`Expected bench/${name} to export run() but it does not`);
  console.log(`\n## ${name}`);
  const started = performance.now();
  await module.run();
  console.log(`\n(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
