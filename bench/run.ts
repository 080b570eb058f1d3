/**
 * `npm run bench`: runs the exported `run()` of every `bench/*.bench.ts` module in turn; each
 * prints its own tables. Timings are printed, never asserted: this machine is shared and noisy.
 * `npm run bench -- pipeline webp` runs only the modules whose names contain one of the words.
 */
import { readdir } from 'node:fs/promises';

const here = new URL('.', import.meta.url);
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const modules = (await readdir(here))
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.length === 0 || only.some((word) => name.includes(word)))
  .sort();
if (modules.length === 0) throw new Error(`Expected a bench/*.bench.ts matching ${only.join(', ')}`);
for (const name of modules) {
  const module = (await import(new URL(name, here).href)) as { run?: () => Promise<void> };
  if (typeof module.run !== 'function')
    throw new Error(`Expected bench/${name} to export run() but it does not`);
  console.log(`\n## ${name}`);
  const started = performance.now();
  await module.run();
  console.log(`\n(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
