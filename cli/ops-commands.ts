import type { AwaitingZelle } from '../lib/ops/awaiting-zelle.ts';
import type { ProblemPhoto } from '../lib/ops/photo-problems.ts';
import type { ApiClient } from './api-client.ts';
import { age, table } from './table.ts';

/** Where commands write: stdout for results, stderr for progress and errors; and TTY-ness. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is a terminal: progress rewrites one line instead of printing many. */
  progressInPlace: boolean;
}

interface QueueRow {
  name: string;
  visible: number;
  in_flight: number;
  oldest_age_s: number | null;
  dlq: { name: string; visible: number; oldest_age_s: number | null };
}
interface Status {
  queues: QueueRow[];
  photos: Record<string, number>;
  stale_pending: number;
  bookings: { awaiting_zelle: number; payment_mismatch: number };
}
interface DlqMessage {
  message_id: string;
  photo_id: string | null;
  job_id: string | null;
  receive_count: number;
  reason: string | null;
  failed_at: string | null;
}
interface ReconcilePage {
  scanned: number;
  requeued: number;
  abandoned: number;
  orphans: number;
  actions: Array<{ action: string; photo_id: string; job_id: string; key: string; status?: string }>;
  next_cursor: string | null;
  phase: string;
}

/** `qdn ops status`: queues and DLQs, photos per status, what needs a hand. */
export async function opsStatus(api: ApiClient, io: Io, json: boolean): Promise<void> {
  const s = await api.call<Status>('GET', '/ops/status');
  if (json) return io.out(JSON.stringify(s, null, 2));
  io.out(
    table(s.queues, [
      { heading: 'QUEUE', cell: (q) => q.name },
      { heading: 'VISIBLE', cell: (q) => q.visible, right: true },
      { heading: 'IN FLIGHT', cell: (q) => q.in_flight, right: true },
      { heading: 'OLDEST', cell: (q) => age(q.oldest_age_s), right: true },
      { heading: 'DLQ', cell: (q) => q.dlq.visible, right: true },
      { heading: 'DLQ OLDEST', cell: (q) => age(q.dlq.oldest_age_s), right: true },
    ]),
  );
  io.out('');
  const photos = Object.entries(s.photos);
  io.out(
    table(
      [s.photos],
      photos.map(([name]) => ({ heading: name.toUpperCase(), cell: (p) => p[name], right: true })),
    ),
  );
  io.out('');
  io.out(`pending past their upload link's expiry: ${s.stale_pending}`);
  io.out(
    `bookings: awaiting Zelle ${s.bookings.awaiting_zelle}, payment mismatch ${s.bookings.payment_mismatch}`,
  );
  const hints: string[] = [];
  for (const q of s.queues) {
    if (q.dlq.visible > 0)
      hints.push(`${q.dlq.visible} dead letter(s) in ${q.name}: see why with \`qdn ops dlq ${q.name}\``);
  }
  if (s.stale_pending > 0) {
    hints.push(
      `${s.stale_pending} photo(s) pending past their link's expiry (an upload event lost, or nothing uploaded): \`qdn ops reconcile\``,
    );
  }
  if (hints.length) io.out(['', ...hints].join('\n'));
}

/** `qdn ops dlq <queue>`: each dead letter with the photo and the reason its last try failed. */
export async function opsDlq(
  api: ApiClient,
  io: Io,
  queue: string,
  json: boolean,
  limit: number,
): Promise<void> {
  const d = await api.call<{ queue: string; messages: DlqMessage[] }>(
    'GET',
    `/ops/dlq/${encodeURIComponent(queue)}?limit=${limit}`,
  );
  if (json) return io.out(JSON.stringify(d, null, 2));
  if (d.messages.length === 0) return io.out(`The ${d.queue} DLQ is empty.`);
  io.out(
    table(d.messages, [
      { heading: 'MESSAGE', cell: (m) => m.message_id },
      { heading: 'JOB', cell: (m) => m.job_id },
      { heading: 'PHOTO', cell: (m) => m.photo_id },
      { heading: 'TRIES', cell: (m) => m.receive_count, right: true },
      { heading: 'FAILED AT', cell: (m) => m.failed_at?.replace(/\.\d+Z$/, 'Z') },
      { heading: 'REASON', cell: (m) => m.reason },
    ]),
  );
  io.out('');
  io.out(`${d.messages.length} message(s). Once the cause is fixed: \`qdn ops redrive ${d.queue}\``);
}

/** `qdn ops redrive <queue>`: moves the DLQ's messages back to their queue. */
export async function opsRedrive(api: ApiClient, io: Io, queue: string, json: boolean): Promise<void> {
  const r = await api.call<{ moved?: number; task_id?: string; status?: string }>(
    'POST',
    `/ops/dlq/${encodeURIComponent(queue)}/redrive`,
  );
  if (json) return io.out(JSON.stringify(r, null, 2));
  if (r.moved !== undefined)
    return io.out(`Moved ${r.moved} message(s) from the ${queue} DLQ back to ${queue}.`);
  io.out(`Started message move task ${r.task_id} (${r.status}) for the ${queue} DLQ.`);
}

/** Options of `qdn ops reconcile`. */
export interface ReconcileFlags {
  json: boolean;
  limit: number;
  minAge: number;
  cursor?: string;
  once: boolean;
}

/** `qdn ops reconcile`: walks page after page, with a progress line, then says what it did. */
export async function opsReconcile(api: ApiClient, io: Io, flags: ReconcileFlags): Promise<void> {
  const totals = { scanned: 0, requeued: 0, abandoned: 0, orphans: 0 };
  const actions: ReconcilePage['actions'] = [];
  let cursor = flags.cursor;
  let pages = 0;
  do {
    const page: ReconcilePage = await api.call('POST', '/ops/reconcile', {
      limit: flags.limit,
      min_age_s: flags.minAge,
      ...(cursor ? { cursor } : {}),
    });
    pages++;
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += page[k];
    actions.push(...page.actions);
    cursor = page.next_cursor ?? undefined;
    const line = `reconcile: page ${pages}, scanned ${totals.scanned}, requeued ${totals.requeued}, abandoned ${totals.abandoned}, orphans ${totals.orphans}${cursor ? ` (next: ${page.phase})` : ', done'}`;
    io.err(io.progressInPlace ? `\r\x1b[2K${line}${cursor ? '' : '\n'}` : `${line}\n`);
  } while (cursor && !flags.once);
  if (flags.json) return io.out(JSON.stringify({ ...totals, actions, next_cursor: cursor ?? null }, null, 2));
  if (actions.length) {
    io.out(
      table(actions, [
        { heading: 'ACTION', cell: (a) => a.action },
        { heading: 'JOB', cell: (a) => a.job_id },
        { heading: 'PHOTO', cell: (a) => a.photo_id },
        { heading: 'KEY', cell: (a) => a.key },
        { heading: 'STATUS', cell: (a) => a.status },
      ]),
    );
    io.out('');
  }
  io.out(
    `Scanned ${totals.scanned}: requeued ${totals.requeued} upload(s) without a verdict, marked ${totals.abandoned} expired link(s) abandoned, found ${totals.orphans} record(s) whose object is gone.`,
  );
  if (cursor) io.out(`Stopped early; resume with --cursor ${cursor}`);
}

const when = (iso: string | null | undefined) => iso?.replace(/\.\d+Z$/, 'Z');

/** `qdn ops photos`: failed or rejected photos across all jobs, with their reasons. */
export async function opsPhotos(
  api: ApiClient,
  io: Io,
  flags: { status: string; limit: number; cursor?: string; json: boolean },
): Promise<void> {
  const query = new URLSearchParams({ status: flags.status, limit: String(flags.limit) });
  if (flags.cursor) query.set('cursor', flags.cursor);
  const page = await api.call<{ status: string; photos: ProblemPhoto[]; next_cursor: string | null }>(
    'GET',
    `/ops/photos?${query}`,
  );
  if (flags.json) return io.out(JSON.stringify(page, null, 2));
  if (page.photos.length === 0) return io.out(`No ${page.status} photos.`);
  io.out(
    table(page.photos, [
      { heading: 'JOB', cell: (p) => p.job_id },
      { heading: 'PHOTO', cell: (p) => p.photo_id },
      { heading: 'FILE', cell: (p) => p.filename },
      { heading: 'DECIDED', cell: (p) => when(p.decided_at) },
      { heading: 'REASON', cell: (p) => p.reason },
    ]),
  );
  io.out('');
  io.out(`${page.photos.length} ${page.status} photo(s).`);
  if (page.next_cursor) io.out(`More: --cursor ${page.next_cursor}`);
}

/** `qdn ops zelle`: quotes waiting for a Zelle transfer, soonest to lapse first. */
export async function opsZelle(
  api: ApiClient,
  io: Io,
  flags: { limit: number; cursor?: string; json: boolean },
): Promise<void> {
  const query = new URLSearchParams({ limit: String(flags.limit) });
  if (flags.cursor) query.set('cursor', flags.cursor);
  const page = await api.call<{ quotes: AwaitingZelle[]; next_cursor: string | null }>(
    'GET',
    `/ops/zelle?${query}`,
  );
  if (flags.json) return io.out(JSON.stringify(page, null, 2));
  if (page.quotes.length === 0) return io.out('No quotes are waiting for a Zelle transfer.');
  io.out(
    table(page.quotes, [
      { heading: 'QUOTE', cell: (q) => q.quote_id },
      { heading: 'MEMO', cell: (q) => q.memo },
      {
        heading: 'AMOUNT',
        cell: (q) => `${(q.amount_cents / 100).toFixed(2)} ${q.currency.toUpperCase()}`,
        right: true,
      },
      { heading: 'CUSTOMER', cell: (q) => [q.customer_name, q.customer_email].filter(Boolean).join(' ') },
      { heading: 'SINCE', cell: (q) => when(q.since) },
      { heading: 'LAPSES', cell: (q) => when(q.lapses_at) },
    ]),
  );
  io.out('');
  io.out(
    `${page.quotes.length} quote(s). Once the transfer is in the account: \`qdn ops zelle-received <quote>\``,
  );
  if (page.next_cursor) io.out(`More: --cursor ${page.next_cursor}`);
}

/** `qdn ops zelle-received <quote>`: confirms a Zelle booking (creates the job). */
export async function opsZelleReceived(
  api: ApiClient,
  io: Io,
  quoteId: string,
  json: boolean,
): Promise<void> {
  const r = await api.call<{ quote_id: string; status: string; job_id: string }>(
    'POST',
    `/quotes/${encodeURIComponent(quoteId)}/zelle-received`,
  );
  if (json) return io.out(JSON.stringify(r, null, 2));
  io.out(`Quote ${r.quote_id} is ${r.status}: job ${r.job_id}.`);
}
