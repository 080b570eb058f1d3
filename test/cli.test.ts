import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../cli/errors.ts';
import { run } from '../cli/main.ts';
import { bookQuote } from './helpers/booking.ts';
import { type LocalStack, postToS3, startLocalStack } from './helpers/local-stack.ts';

const exec = promisify(execFile);
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack?.stop());

/** Runs the CLI in-process against the stack; returns exit code and what it printed. */
async function qdn(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(
    args,
    { QDN_API_URL: stack.api, ...env },
    {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      progressInPlace: false,
    },
  );
  return { code, stdout: out.join('\n'), stderr: err.join('') };
}

describe('qdn, the operator CLI', () => {
  it('ops status: a table for people, JSON that parses for scripts', async () => {
    const table = await qdn(['ops', 'status']);
    expect(table.code).toBe(EXIT.ok);
    expect(table.stdout).toMatch(/^QUEUE\s+VISIBLE\s+IN FLIGHT\s+OLDEST\s+DLQ\s+DLQ OLDEST$/m);
    expect(table.stdout).toMatch(/^thumbnails\s+0\s+0\s+0s\s+0\s+0s$/m);
    const json = await qdn(['ops', 'status', '--json']);
    expect(json.code).toBe(EXIT.ok);
    expect(JSON.parse(json.stdout)).toMatchObject({
      queues: [{ name: 'uploads' }, { name: 'thumbnails' }],
      photos: { pending: 0, ready: 0, abandoned: 0 },
      stale_pending: 0,
      bookings: { awaiting_zelle: 0, payment_mismatch: 0 },
    });
  });

  it('ops dlq, redrive and reconcile: one command each, JSON that parses', async () => {
    const dlq = await qdn(['ops', 'dlq', 'thumbnails']);
    expect(dlq).toMatchObject({ code: 0, stdout: 'The thumbnails DLQ is empty.' });
    expect(JSON.parse((await qdn(['ops', 'dlq', 'uploads', '--json'])).stdout)).toEqual({
      queue: 'uploads',
      messages: [],
    });
    expect(JSON.parse((await qdn(['ops', 'redrive', 'uploads', '--json'])).stdout)).toEqual({ moved: 0 });

    // A photo whose S3 event was lost, found by reconcile.
    const crew = await stack.token('crew-demo', 'crew');
    await stack.call('POST', '/dev/faults', { body: { faults: 's3-notify:drop' } });
    const grant = await stack.call('POST', '/upload-url', {
      token: crew,
      body: { job_id: 'job-demo-1', filename: 'x.png', content_type: 'image/png' },
    });
    await postToS3(grant.body, Buffer.from('not really a png'), 'image/png');
    await stack.call('POST', '/dev/faults', { body: { faults: '' } });
    const reconcile = await qdn(['ops', 'reconcile', '--min-age', '0', '--limit', '1']);
    expect(reconcile.code).toBe(EXIT.ok);
    expect(reconcile.stderr).toMatch(/^reconcile: page 1, scanned 1, requeued 1.*\(next: /m);
    expect(reconcile.stderr).toMatch(/, done\n$/);
    expect(reconcile.stdout).toMatch(new RegExp(`^requeued\\s+job-demo-1\\s+${grant.body.photo_id}`, 'm'));
    expect(reconcile.stdout).toMatch(/Scanned \d+: requeued 1 upload/);
    const again = JSON.parse((await qdn(['ops', 'reconcile', '--json', '--min-age', '0'])).stdout);
    expect(again).toMatchObject({ abandoned: 0, orphans: 0, next_cursor: null });
  });

  it('ops photos and ops zelle list what needs a hand; zelle-received confirms a booking', async () => {
    // A rejected photo: declared PNG, really text.
    const crew = await stack.token('crew-demo', 'crew');
    const grant = await stack.call('POST', '/upload-url', {
      token: crew,
      body: { job_id: 'job-demo-1', filename: 'notes.png', content_type: 'image/png' },
    });
    await postToS3(grant.body, Buffer.from('meeting notes, not a photo'), 'image/png');
    let rejected = await qdn(['ops', 'photos', '--status', 'rejected', '--json']);
    for (let i = 0; i < 100 && !rejected.stdout.includes(grant.body.photo_id); i++) {
      await new Promise((r) => setTimeout(r, 100));
      rejected = await qdn(['ops', 'photos', '--status', 'rejected', '--json']);
    }
    const listed = JSON.parse(rejected.stdout);
    expect(listed.status).toBe('rejected');
    expect(listed.photos).toContainEqual(
      expect.objectContaining({
        photo_id: grant.body.photo_id,
        job_id: 'job-demo-1',
        reason_code: 'not_an_image',
      }),
    );
    const photos = await qdn(['ops', 'photos', '--status', 'rejected']);
    expect(photos.code).toBe(EXIT.ok);
    expect(photos.stdout).toMatch(
      new RegExp(`^job-demo-1\\s+${grant.body.photo_id}\\s+notes\\.png\\s+\\S+\\s+The file is not`, 'm'),
    );
    expect((await qdn(['ops', 'photos', '--status', 'ready'])).code).toBe(EXIT.usage);

    // A quote held for Zelle, listed, then confirmed from the CLI.
    const quote = await bookQuote(stack);
    await stack.call('POST', `/quotes/${quote.quote_id}/checkout`, {
      token: quote.customer_token,
      body: { payment_method: 'zelle' },
    });
    const zelle = await qdn(['ops', 'zelle']);
    expect(zelle.code).toBe(EXIT.ok);
    expect(zelle.stdout).toMatch(/^QUOTE\s+MEMO\s+AMOUNT\s+CUSTOMER\s+SINCE\s+LAPSES$/m);
    expect(zelle.stdout).toContain(quote.quote_id);
    const confirmed = JSON.parse((await qdn(['ops', 'zelle-received', quote.quote_id, '--json'])).stdout);
    expect(confirmed).toMatchObject({ quote_id: quote.quote_id, status: 'confirmed' });
    const again = await qdn(['ops', 'zelle-received', quote.quote_id]);
    expect(again.stdout).toBe(`Quote ${quote.quote_id} is confirmed: job ${confirmed.job_id}.`);
    expect((await qdn(['ops', 'zelle', '--json'])).stdout).not.toContain(quote.quote_id);
  });

  it('exit codes scripts can rely on', async () => {
    const unknown = await qdn(['ops', 'dlq', 'nope']);
    expect(unknown.code).toBe(EXIT.failed);
    expect(unknown.stderr).toMatch(/404 not_found: Expected a queue of uploads, thumbnails/);
    expect((await qdn(['ops', 'dlq'])).code).toBe(EXIT.usage);
    expect((await qdn(['ops', 'frobnicate'])).code).toBe(EXIT.usage);
    expect((await qdn(['ops', 'status'], { QDN_API_URL: 'http://127.0.0.1:1' })).code).toBe(EXIT.unreachable);
    const crew = await qdn(['token', 'crew-demo', 'crew']);
    expect(crew.code).toBe(EXIT.ok);
    const asCrew = await qdn(['ops', 'status'], { QDN_TOKEN: crew.stdout });
    expect(asCrew.code).toBe(EXIT.failed);
    expect(asCrew.stderr).toMatch(/403 forbidden/);
    expect((await qdn(['token', 'crew-demo', 'king'])).code).toBe(EXIT.usage);
  });

  it('runs as the package bin, with --help on every command', async () => {
    const bin = new URL('../bin/qdn.js', import.meta.url).pathname;
    for (const args of [['--help'], ['ops', '--help'], ['ops', 'reconcile', '--help'], ['token', '--help']]) {
      const { stdout } = await exec(process.execPath, [bin, ...args]);
      expect(stdout).toMatch(/^Usage: qdn/);
    }
    const { stdout } = await exec(process.execPath, [bin, 'ops', 'status', '--json'], {
      env: { ...process.env, QDN_API_URL: stack.api },
    });
    expect(JSON.parse(stdout).queues).toHaveLength(2);
    await expect(exec(process.execPath, [bin, 'ops', 'dlq'])).rejects.toMatchObject({ code: EXIT.usage });
  });
});
