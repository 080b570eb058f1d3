import '../shared/style.css';
import { ApiError, api } from '../shared/api.ts';
import { byId, h, when } from '../shared/dom.ts';
import { dollars } from '../shared/money.ts';
import { plainReason } from '../shared/reasons.ts';
import { currentSession } from '../shared/session.ts';
import { devInfo, renderAccount } from '../shared/signin.ts';
import type { AwaitingZelle, DlqListing, OpsStatus, ProblemPhoto } from './types.ts';

const REFRESH_MS = 10_000;
let timer: ReturnType<typeof setTimeout> | null = null;
/** A confirmation in flight: the Zelle list is not redrawn under the admin's finger. */
let confirming = false;

renderAccount(await devInfo(), ['admin'], () => void load());
await load();

function age(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

async function load(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  const content = byId('content');
  const session = currentSession();
  if (session?.role !== 'admin') {
    content.replaceChildren(
      h('p', {}, session ? 'This page is for admins.' : 'Sign in as an admin to see the queues.'),
    );
    return;
  }
  let status: OpsStatus;
  try {
    status = await api<OpsStatus>('/ops/status');
  } catch (error) {
    content.replaceChildren(
      h('p', { class: 'error' }, `The ops service did not answer: ${errorText(error)}`),
    );
    timer = setTimeout(() => void load(), REFRESH_MS);
    return;
  }
  const dlqs = await Promise.all(
    status.queues.map((q) => api<DlqListing>(`/ops/dlq/${encodeURIComponent(q.name)}`).catch(() => null)),
  );
  const live = [
    queuesSection(status),
    ...status.queues.map((q, i) => dlqSection(q.name, dlqs[i] ?? null)),
    countsSection(status),
  ];
  const existing = document.getElementById('ops-live');
  if (existing) {
    // A refresh redraws the figures only; what the admin is typing in the forms stays.
    existing.replaceChildren(...live);
    document.getElementById('zelle-summary')?.replaceWith(zelleSummary(status));
    if (!confirming) void loadZelle();
    timer = setTimeout(() => void load(), REFRESH_MS);
    return;
  }
  content.replaceChildren(
    h('div', { id: 'ops-live' }, ...live),
    zelleSection(status),
    h(
      'section',
      { id: 'problem-photos', 'aria-labelledby': 'problems-title' },
      h('h2', { id: 'problems-title' }, 'Failed and refused photos'),
      h('p', { class: 'muted' }, 'Loading…'),
    ),
    reconcileSection(),
  );
  void loadZelle();
  void problemPhotos();
  timer = setTimeout(() => void load(), REFRESH_MS);
}

function queuesSection(status: OpsStatus): HTMLElement {
  return h(
    'section',
    { id: 'queues', 'aria-labelledby': 'queues-title' },
    h('h2', { id: 'queues-title' }, 'Queues'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Queue', 'Waiting', 'In flight', 'Oldest', 'Dead letters', 'Oldest dead letter'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...status.queues.map((q) =>
            h(
              'tr',
              { 'data-queue': q.name },
              h('th', { scope: 'row' }, q.name),
              h('td', {}, String(q.visible)),
              h('td', {}, String(q.in_flight)),
              h('td', {}, age(q.oldest_age_s)),
              h('td', { class: q.dlq.visible ? 'alert' : '' }, String(q.dlq.visible)),
              h('td', {}, age(q.dlq.oldest_age_s)),
            ),
          ),
        ),
      ),
    ),
  );
}

function dlqSection(queue: string, listing: DlqListing | null): HTMLElement {
  const section = h(
    'section',
    { id: `dlq-${queue}`, 'aria-labelledby': `dlq-${queue}-title` },
    h('h2', { id: `dlq-${queue}-title` }, `Dead letters: ${queue}`),
  );
  if (!listing) {
    section.append(h('p', { class: 'error' }, 'Could not read this dead-letter queue.'));
    return section;
  }
  if (!listing.messages.length) {
    section.append(h('p', { class: 'muted' }, 'None.'));
    return section;
  }
  section.append(
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Photo', 'Job', 'Tries', 'Reason', 'Failed'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          ...listing.messages.map((m) =>
            h(
              'tr',
              { 'data-message-id': m.message_id },
              h('td', {}, m.photo_id ?? '—'),
              h('td', {}, m.job_id ?? '—'),
              h('td', {}, String(m.receive_count)),
              h('td', {}, m.reason ?? '—'),
              h('td', {}, when(m.failed_at)),
            ),
          ),
        ),
      ),
    ),
  );
  const result = h('span', { role: 'status' });
  const redrive = h(
    'button',
    { type: 'button', 'data-redrive': queue },
    `Redrive ${listing.messages.length} to ${queue}`,
  );
  redrive.addEventListener('click', () => {
    redrive.disabled = true;
    api<{ moved?: number; task_id?: string; status?: string }>(
      `/ops/dlq/${encodeURIComponent(queue)}/redrive`,
      { method: 'POST' },
    )
      .then((out) => {
        result.textContent =
          out.moved !== undefined ? `Moved ${out.moved}.` : `Redrive started (${out.status ?? 'running'}).`;
        setTimeout(() => void load(), 1000);
      })
      .catch((error: unknown) => {
        redrive.disabled = false;
        result.textContent = errorText(error);
      });
  });
  section.append(h('div', { class: 'capture' }, redrive, result));
  return section;
}

function countsSection(status: OpsStatus): HTMLElement {
  const dl = h('dl', { class: 'details', id: 'photo-counts' });
  for (const [name, n] of Object.entries(status.photos))
    dl.append(h('dt', {}, name), h('dd', { 'data-count': name }, String(n)));
  dl.append(
    h('dt', {}, 'stale pending'),
    h('dd', { 'data-count': 'stale_pending' }, String(status.stale_pending)),
  );
  return h(
    'section',
    { id: 'counts', 'aria-labelledby': 'counts-title' },
    h('h2', { id: 'counts-title' }, 'Photos by status'),
    dl,
  );
}

function zelleSection(status: OpsStatus): HTMLElement {
  return h(
    'section',
    { id: 'zelle-payments', 'aria-labelledby': 'zelle-title' },
    h('h2', { id: 'zelle-title' }, 'Zelle payments'),
    zelleSummary(status),
    h('div', { id: 'zelle-list' }, h('p', { class: 'muted' }, 'Loading…')),
    h('p', { id: 'zelle-result', role: 'status' }),
  );
}

/** The quotes awaiting Zelle (`GET /ops/zelle`): what to look for in the bank, one Confirm each. */
async function loadZelle(): Promise<void> {
  const box = document.getElementById('zelle-list');
  if (!box) return;
  let quotes: AwaitingZelle[];
  try {
    quotes = (await api<{ quotes: AwaitingZelle[] }>('/ops/zelle?limit=200')).quotes;
  } catch (error) {
    box.replaceChildren(h('p', { class: 'error' }, `Could not list Zelle payments: ${errorText(error)}`));
    return;
  }
  if (!quotes.length) {
    box.replaceChildren(h('p', { class: 'muted' }, 'No payment is awaited.'));
    return;
  }
  const rows = quotes.map((q) => {
    const button = h(
      'button',
      { type: 'button', 'data-confirm': q.quote_id, 'aria-label': `Confirm the Zelle payment ${q.memo}` },
      'Confirm',
    );
    button.addEventListener('click', () => void confirmZelle(q, button));
    return h(
      'tr',
      { 'data-quote-id': q.quote_id },
      h('td', {}, h('code', {}, q.memo)),
      h('td', {}, dollars(q.amount_cents)),
      h('td', {}, q.customer_name, h('br'), h('span', { class: 'muted' }, q.customer_email)),
      h('td', {}, when(q.since)),
      h('td', {}, button),
    );
  });
  box.replaceChildren(
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Memo', 'Amount', 'Customer', 'Waiting since', ''].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
    ),
  );
}

async function confirmZelle(q: AwaitingZelle, button: HTMLButtonElement): Promise<void> {
  const result = byId('zelle-result');
  confirming = true;
  button.disabled = true;
  try {
    const out = await api<{ quote_id: string; status: string; job_id: string }>(
      `/quotes/${encodeURIComponent(q.quote_id)}/zelle-received`,
      { method: 'POST' },
    );
    result.replaceChildren(
      `Confirmed ${q.memo} (${dollars(q.amount_cents)}): job `,
      h('a', { href: `/track/${encodeURIComponent(out.job_id)}` }, out.job_id),
      ' created.',
    );
  } catch (error) {
    button.disabled = false;
    result.textContent = errorText(error);
  } finally {
    confirming = false;
  }
  await loadZelle();
}

function zelleSummary(status: OpsStatus): HTMLElement {
  return h(
    'p',
    { id: 'zelle-summary' },
    `${status.bookings.awaiting_zelle} booking(s) awaiting a Zelle payment; ${status.bookings.payment_mismatch} card payment(s) that did not match their quote.`,
  );
}

function reconcileSection(): HTMLElement {
  const result = h('span', { role: 'status' });
  const button = h('button', { id: 'reconcile', type: 'button', class: 'secondary' }, 'Reconcile now');
  button.addEventListener('click', () => {
    button.disabled = true;
    api<{ scanned: number; requeued: number; abandoned: number; orphans: number }>('/ops/reconcile', {
      method: 'POST',
    })
      .then((r) => {
        result.textContent = `Scanned ${r.scanned}, re-queued ${r.requeued}, abandoned ${r.abandoned}, orphans ${r.orphans}.`;
      })
      .catch((error: unknown) => {
        result.textContent = errorText(error);
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  return h(
    'section',
    { id: 'reconcile-section', 'aria-labelledby': 'reconcile-title' },
    h('h2', { id: 'reconcile-title' }, 'Reconcile'),
    h(
      'p',
      { class: 'muted' },
      'Re-queues originals without a verdict and closes upload URLs that expired unused.',
    ),
    h('div', { class: 'capture' }, button, result),
  );
}

/** Failed and refused photos across all jobs, from the status index (`GET /ops/photos`), paged. */
async function problemPhotos(): Promise<void> {
  const section = document.getElementById('problem-photos');
  if (!section) return;
  const tbody = h('tbody', {});
  const more = h('div', { class: 'capture' });
  const empty = h('p', { class: 'muted', hidden: true }, 'None.');
  const table = h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Job', 'File', 'Status', 'In short', 'Detail'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      tbody,
    ),
  );
  section.replaceChildren(h('h2', { id: 'problems-title' }, 'Failed and refused photos'), table, empty, more);
  const statuses = ['failed', 'rejected'] as const;
  const cursors: Record<(typeof statuses)[number], string | null | undefined> = {
    failed: undefined,
    rejected: undefined,
  };
  const page = async () => {
    for (const status of statuses) {
      const cursor = cursors[status];
      if (cursor === null) continue;
      const query = new URLSearchParams({ status, limit: '25' });
      if (cursor) query.set('cursor', cursor);
      try {
        const out = await api<{ photos: ProblemPhoto[]; next_cursor: string | null }>(`/ops/photos?${query}`);
        tbody.append(...out.photos.map(problemRow));
        cursors[status] = out.next_cursor;
      } catch (error) {
        more.replaceChildren(
          h('p', { class: 'error' }, `Could not list ${status} photos: ${errorText(error)}`),
        );
        return;
      }
    }
    empty.hidden = tbody.children.length > 0;
    table.hidden = tbody.children.length === 0;
    const left = statuses.some((s) => cursors[s]);
    const button = h('button', { type: 'button', class: 'secondary', id: 'problems-more' }, 'Show more');
    button.addEventListener('click', () => void page());
    more.replaceChildren(...(left ? [button] : []));
  };
  await page();
}

function problemRow(p: ProblemPhoto): HTMLElement {
  return h(
    'tr',
    { 'data-photo-id': p.photo_id },
    h('td', {}, h('a', { href: `/#${encodeURIComponent(p.job_id)}` }, p.job_id)),
    h('td', {}, p.filename ?? p.photo_id),
    h('td', {}, p.status),
    h('td', {}, plainReason(p.status, p.reason, p.reason_code)),
    h('td', {}, p.reason ?? '—'),
  );
}

function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.status ? `${error.message} (${error.status})` : error.message;
  return String(error);
}
