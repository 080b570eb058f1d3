import { cpus } from 'node:os';
import { startChild } from './child.ts';
import { crashAndRestart } from './crash.ts';
import { duplicatesAndOrder } from './duplicates.ts';
import { faultClasses } from './faults.ts';
import { hostileFiles, hostileRequests } from './hostile.ts';
import { load } from './load.ts';
import type { Row } from './row.ts';

// `npm run test:reliability`: drives the local runtime end to end as a child process (as
// `npm start` runs it), prints one table and fails on any loss or leak. Sizes are configurable;
// the defaults fit the 10-minute budget on the 2-core CI machine (README › Reliability).

const int = (name: string, fallback: number) => {
  const v = process.env[name];
  return v && /^\d+$/.test(v) ? Number(v) : fallback;
};
const sizes = {
  crash: int('QDN_REL_CRASH_PHOTOS', 100),
  duplicates: int('QDN_REL_DUPLICATE_PHOTOS', 10),
  load: int('QDN_REL_LOAD_PHOTOS', 500),
};
const seed = int('QDN_REL_SEED', Date.now() % 1_000_000);
const only = (process.env.QDN_REL_ONLY ?? '').split(',').filter(Boolean);

type Suite = { key: string; run: () => Promise<Row[]> };
const suites: Suite[] = [
  { key: 'crash', run: async () => [await crashAndRestart(sizes.crash, seed)] },
  {
    key: 'duplicates',
    run: async () => {
      const child = await startChild({ QDN_UPLOAD_RATE_PER_MINUTE: '100000' });
      try {
        return [await duplicatesAndOrder(child, sizes.duplicates, seed)];
      } finally {
        await child.stop();
      }
    },
  },
  {
    key: 'faults',
    run: async () => {
      const child = await startChild({ QDN_UPLOAD_RATE_PER_MINUTE: '100000' });
      try {
        return await faultClasses(child);
      } finally {
        await child.stop();
      }
    },
  },
  {
    key: 'hostile',
    run: async () => {
      // Short-lived grants, so an expired one can be tried within the run.
      const child = await startChild({
        QDN_UPLOAD_RATE_PER_MINUTE: '100000',
        QDN_UPLOAD_URL_TTL_SECONDS: '8',
      });
      try {
        return [await hostileFiles(child), await hostileRequests(child)];
      } finally {
        await child.stop();
      }
    },
  },
  { key: 'load', run: async () => [await load(sizes.load)] },
];

function table(rows: Row[]): string {
  const head = ['class', 'tried', 'wrong', 'figure'];
  const cells = rows.map((r) => [r.name, String(r.tried), String(r.wrong), r.figure]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === 1 || i === 2 ? v.padStart(w[i] ?? 0) : v.padEnd(w[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(
    `reliability suite: seed ${seed}, sizes ${JSON.stringify(sizes)}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}`,
  );
  const rows: Row[] = [];
  for (const suite of suites) {
    if (only.length > 0 && !only.includes(suite.key)) continue;
    const t = Date.now();
    try {
      const out = await suite.run();
      rows.push(...out);
    } catch (error) {
      rows.push({
        name: suite.key,
        tried: 0,
        wrong: 1,
        figure: 'did not finish',
        detail: String(error instanceof Error ? error.stack : error),
      });
    }
    console.log(`  ${suite.key}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  console.log('');
  console.log(table(rows));
  for (const r of rows) if (r.wrong > 0 && r.detail) console.log(`\n${r.name}: ${r.detail}`);
  const failed = rows.filter((r) => r.wrong > 0).length;
  console.log(`\nran in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${rows.length - failed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

await main();
