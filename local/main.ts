import { setFlagsFromString } from 'node:v8';
import { loadConfig } from '../lib/config/config.ts';
import { ConfigError } from '../lib/config/errors.ts';
import { seedJobs, seedUsers } from './identity/seed-data.ts';
import { type Runtime, startRuntime } from './runtime.ts';
import { assertPortFree, describeStartFailure, type Ports } from './start-failure.ts';

/** V8's heap growing factor after a full GC, as a percentage over 1 (200: × 3). See `main`. */
const HEAP_GROWING_PERCENT = 200;

/**
 * `npm start` (`node --import tsx local/main.ts`): the whole pipeline in one process that owns
 * its signals — no wrapper process that a SIGTERM would stop while the runtime keeps running —
 * with a banner saying how to use it.
 */
async function main(): Promise<void> {
  // V8 grows each of the runtime's four heaps by a factor of its own choosing after a full GC;
  // the consumers' and the S3 worker's heaps (15–30 MB live) got ≈ 1.5, so a burst ran a full GC
  // every ≈ 12 MB promoted, about every second photo, and its marking ran on V8's helper threads
  // beside the renders. Factor 3 here: in one `npm run bench -- pipeline` the consumers' full GCs
  // went 104 → 31 and the S3 worker's 61 → 34; CPU a photo in the 200-photo burst 259–260 →
  // 217–235 ms, peak RSS 490–525 → 516–532 MB (bench/RESULTS.md, "Round 4"). V8 reads it at each
  // GC, so it holds for the worker threads started below. Local runtime only: on AWS each
  // function is a process of its own.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // The SDK warns once per process that releases after January 2027 need Node 22; the lockfile
  // pins working versions (see README), so keep the banner readable.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let runtime: Runtime;
  let ports: Ports | undefined;
  try {
    const config = loadConfig(process.env);
    if (config.runtime !== 'local') {
      throw new ConfigError([`QDN_RUNTIME: expected "local" for npm start (received "${config.runtime}")`]);
    }
    ports = {
      host: config.local.host,
      api: config.local.port,
      s3: config.local.s3Port,
      s3Explicit: Boolean(process.env.QDN_S3_PORT),
    };
    // Before anything starts: a busy port found half-way would leave parts to unwind.
    for (const port of [ports.api, ports.s3]) await assertPortFree(ports.host, port);
    // A worker thread that dies leaves the runtime without that part: stop, as a crash would
    // (the error names it); messages in flight reappear on the next start.
    runtime = await startRuntime(config, { onWorkerCrash: () => process.exit(1) });
  } catch (error) {
    console.error(describeStartFailure(error, ports) ?? error);
    process.exit(1);
  }
  printBanner(runtime);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: finishing in-flight batches and closing…`);
    await runtime.stop();
    console.log('stopped; data kept in', runtime.dataDir);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function printBanner(runtime: Runtime): void {
  const { api, s3, dynamodb } = runtime.urls;
  const lines = [
    '',
    'QuickDumpNow photo pipeline — local runtime is up',
    `  dashboard & API  ${api}/`,
    `  S3 endpoint      ${s3}   (bucket ${runtime.functionConfig.uploadsBucket})`,
    `  DynamoDB         ${dynamodb}`,
    `  health           ${api}/healthz    info: ${api}/dev/info`,
    `  data folder      ${runtime.dataDir}`,
    '',
    'Seeded users:',
    ...seedUsers.map((u) => `  ${u.sub.padEnd(12)} ${u.role}`),
    'Seeded jobs:',
    ...seedJobs.map(
      (j) => `  ${j.jobId.padEnd(12)} customer ${j.customerId}, crew ${j.crewIds.join(', ') || '(none)'}`,
    ),
    '',
    'Get a token:',
    `  curl -s -X POST ${api}/dev/token -H 'content-type: application/json' -d '{"sub":"crew-demo","role":"crew"}'`,
    '',
    'Ctrl-C stops it; data stays for the next start.',
    '',
  ];
  console.log(lines.join('\n'));
}

await main();
