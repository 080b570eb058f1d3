import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ApiClient } from './api-client.ts';
import { CliError, EXIT } from './errors.ts';
import {
  type Io,
  opsDlq,
  opsPhotos,
  opsReconcile,
  opsRedrive,
  opsStatus,
  opsZelle,
  opsZelleReceived,
} from './ops-commands.ts';

/** The environment the CLI reads: the API's URL and a token. */
export interface CliEnv {
  QDN_API_URL?: string;
  QDN_TOKEN?: string;
}

const ROLES = ['admin', 'crew', 'customer'];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`Expected a whole number but received "${value}".`);
  return n;
}

/** Builds the `qdn` program; every action runs against `api`, writing through `io`. */
export function buildProgram(env: CliEnv, io: Io): Command {
  const api = () =>
    new ApiClient({
      apiUrl: env.QDN_API_URL ?? 'http://127.0.0.1:3000',
      ...(env.QDN_TOKEN ? { token: env.QDN_TOKEN } : {}),
    });
  const program = new Command('qdn')
    .description(
      'Operate the QuickDumpNow photo pipeline. Talks to QDN_API_URL (default http://127.0.0.1:3000) with QDN_TOKEN, or fetches the local admin token from /dev/token.\nExit codes: 0 ok, 1 the API refused or failed, 2 usage error, 3 API unreachable.',
    )
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s) })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  const json = () => new Option('--json', 'print JSON for scripts instead of a table');

  const ops = program
    .command('ops')
    .description('queues, dead letters, redrive, reconcile, failed photos and Zelle holds (admin)')
    .exitOverride();
  ops
    .command('status')
    .description('every queue with its DLQ, photos per status, expired links, booking counters')
    .addOption(json())
    .action(async (o: { json?: boolean }) => opsStatus(api(), io, !!o.json));
  ops
    .command('dlq')
    .description('list a DLQ without consuming it: each message with its photo and the reason it failed')
    .argument('<queue>', 'uploads | thumbnails')
    .addOption(json())
    .option('--limit <n>', 'at most this many messages', positiveInt, 100)
    .action(async (queue: string, o: { json?: boolean; limit: number }) =>
      opsDlq(api(), io, queue, !!o.json, o.limit),
    );
  ops
    .command('redrive')
    .description("move a DLQ's messages back to their queue (fix the cause first)")
    .argument('<queue>', 'uploads | thumbnails')
    .addOption(json())
    .action(async (queue: string, o: { json?: boolean }) => opsRedrive(api(), io, queue, !!o.json));
  ops
    .command('reconcile')
    .description(
      're-enqueue uploads without a verdict, abandon expired links, report records whose object is gone',
    )
    .addOption(json())
    .option('--limit <n>', 'items per page', positiveInt, 1000)
    .option('--min-age <seconds>', 'leave alone what happened in the last N seconds', positiveInt, 60)
    .option('--cursor <cursor>', 'resume where an earlier run stopped')
    .option('--once', 'one page only (prints the cursor to resume)')
    .action(async (o: { json?: boolean; limit: number; minAge: number; cursor?: string; once?: boolean }) =>
      opsReconcile(api(), io, {
        json: !!o.json,
        limit: o.limit,
        minAge: o.minAge,
        once: !!o.once,
        ...(o.cursor ? { cursor: o.cursor } : {}),
      }),
    );
  ops
    .command('photos')
    .description('failed or rejected photos across all jobs, with the reason for each')
    .addOption(
      new Option('--status <status>', 'which photos').choices(['failed', 'rejected']).default('failed'),
    )
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .option('--cursor <cursor>', 'the next page, as printed by the last one')
    .addOption(json())
    .action(async (o: { status: string; limit: number; cursor?: string; json?: boolean }) =>
      opsPhotos(api(), io, {
        status: o.status,
        limit: o.limit,
        json: !!o.json,
        ...(o.cursor ? { cursor: o.cursor } : {}),
      }),
    );
  ops
    .command('zelle')
    .description('quotes waiting for a Zelle transfer, soonest to lapse first')
    .option('--limit <n>', 'at most this many', positiveInt, 100)
    .option('--cursor <cursor>', 'the next page, as printed by the last one')
    .addOption(json())
    .action(async (o: { limit: number; cursor?: string; json?: boolean }) =>
      opsZelle(api(), io, { limit: o.limit, json: !!o.json, ...(o.cursor ? { cursor: o.cursor } : {}) }),
    );
  ops
    .command('zelle-received')
    .description('confirm a Zelle booking once the transfer is in the account (creates the job)')
    .argument('<quote>', 'the quote id, as `qdn ops zelle` lists it')
    .addOption(json())
    .action(async (quote: string, o: { json?: boolean }) => opsZelleReceived(api(), io, quote, !!o.json));

  program
    .command('token')
    .description('print a token for a seeded user of the local runtime (its /dev/token)')
    .argument('<sub>', 'a seeded user, e.g. admin-demo, crew-demo, cust-demo')
    .argument('<role>', ROLES.join(' | '))
    .action(async (sub: string, role: string) => {
      if (!ROLES.includes(role))
        throw new CliError(`Expected a role of ${ROLES.join(', ')} but received "${role}".`, EXIT.usage);
      io.out(await api().devToken(sub, role));
    });
  return program;
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. */
export async function run(argv: string[], env: CliEnv, io: Io): Promise<number> {
  const program = buildProgram(env, io);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; every other complaint of commander's is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      io.err(`qdn: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(`qdn: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}
