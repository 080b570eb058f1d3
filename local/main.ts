import { loadConfig } from '../lib/config/config.ts';
import { ConfigError } from '../lib/config/errors.ts';
import { seedJobs, seedUsers } from './identity/seed-data.ts';
import { type Runtime, startRuntime } from './runtime.ts';
import { assertPortFree, describeStartFailure, type Ports } from './start-failure.ts';

/**
 * `npm start` (`node --import tsx local/main.ts`): the whole pipeline in one process that owns
 * its signals — no wrapper process that a SIGTERM would stop while the runtime keeps running —
 * with a banner saying how to use it.
 */
async function main(): Promise<void> {
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
