import '../shared/style.css';
import { ApiError } from '../shared/api.ts';
import { byId, day, h } from '../shared/dom.ts';
import { type ApiJob, listAllJobs } from '../shared/jobs.ts';
import { type ApiPhoto, FINAL, listAllPhotos } from '../shared/photos.ts';
import { megabytes } from '../shared/reasons.ts';
import { currentSession } from '../shared/session.ts';
import { type DevInfo, devInfo, renderAccount } from '../shared/signin.ts';
import { openViewer } from '../shared/viewer.ts';
import { browserTransport } from '../upload/browser-transport.ts';
import { openQueueStore } from '../upload/idb-store.ts';
import { deviceLocator } from '../upload/locator.ts';
import { type PickedFile, UploadQueue } from '../upload/queue.ts';
import type { UploadItem } from '../upload/types.ts';
import { type CardModel, cardContent, cardModels, signature } from './cards.ts';

const MAX_BYTES = 10 * 1024 * 1024;
const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
};
const ALLOWED = new Set(Object.values(TYPES));
const KEEP_SENT_MS = 7 * 24 * 3600_000;

const state = {
  info: null as DevInfo | null,
  job: null as ApiJob | null,
  /** The caller's jobs from `GET /jobs` (null while loading; the API decides which). */
  jobs: null as ApiJob[] | null,
  jobsError: '',
  photos: [] as ApiPhoto[],
  poll: null as ReturnType<typeof setTimeout> | null,
  loadError: '',
};

const queue = new UploadQueue({
  store: await openQueueStore(),
  transport: browserTransport(deviceLocator()),
  parallel: 3,
  online: () => navigator.onLine,
  onChange: () => scheduleRender(),
});

await start();

async function start(): Promise<void> {
  state.info = await devInfo();
  for (const item of await queue.restore()) {
    // Sent photos stay as name tags for their cards for a week, then go.
    if (item.state === 'uploaded' && Date.now() - item.addedAt > KEEP_SENT_MS) await queue.remove(item.id);
  }
  renderAccount(state.info, ['crew', 'admin', 'customer'], onSessionChange);
  wireCapture();
  window.addEventListener('online', () => {
    queue.pump();
    renderCards();
    void refresh();
  });
  window.addEventListener('offline', () => renderCards());
  window.addEventListener('hashchange', () => openFromHash());
  byId('back').addEventListener('click', () => {
    window.location.hash = '';
  });
  onSessionChange();
}

function onSessionChange(): void {
  const session = currentSession();
  if (session) queue.resume();
  else queue.pause();
  state.jobs = null;
  renderJobs();
  openFromHash();
  if (session) void loadJobs();
}

/** Loads the signed-in caller's jobs from the API (the same on AWS as locally). */
async function loadJobs(): Promise<void> {
  const token = currentSession()?.token;
  try {
    const jobs = await listAllJobs();
    // A sign-out or another sign-in while this was loading: that session's list wins.
    if (currentSession()?.token !== token) return;
    state.jobs = jobs;
    state.jobsError = '';
  } catch (error) {
    state.jobs = [];
    state.jobsError = error instanceof Error ? error.message : String(error);
  }
  renderJobs();
  openFromHash();
}

function visibleJobs(): ApiJob[] {
  return currentSession() ? (state.jobs ?? []) : [];
}

function renderJobs(): void {
  const session = currentSession();
  const list = byId('job-list');
  byId('jobs').hidden = !session;
  byId('signed-out').hidden = Boolean(session);
  if (!session) {
    list.replaceChildren();
    return;
  }
  const jobs = visibleJobs();
  list.replaceChildren(
    ...jobs.map((job) => {
      const pending = queue
        .items()
        .filter((i) => i.jobId === job.job_id && (i.state === 'queued' || i.state === 'uploading')).length;
      const link = h(
        'a',
        {
          class: 'job',
          href:
            session.role === 'customer'
              ? `/track/${encodeURIComponent(job.job_id)}`
              : `#${encodeURIComponent(job.job_id)}`,
          'data-job-id': job.job_id,
          'aria-current': state.job?.job_id === job.job_id ? 'true' : undefined,
        },
        h('span', { class: 'job-id' }, job.job_id),
        h('span', { class: 'job-address' }, job.address),
        h(
          'span',
          { class: 'job-meta' },
          h('span', { class: `badge status-${job.status || 'unknown'}` }, job.status || 'status unknown'),
          job.dumpster_size ? ` · ${job.dumpster_size}` : '',
          job.delivery_date ? ` · drop-off ${day(job.delivery_date)}` : '',
          job.pickup_date ? ` · pickup ${day(job.pickup_date)}` : '',
          pending ? ` · ${pending} to send` : '',
        ),
      );
      return h('li', {}, link);
    }),
  );
  if (state.jobs === null) list.append(h('li', { class: 'empty' }, 'Loading your jobs…'));
  else if (state.jobsError)
    list.append(h('li', { class: 'empty' }, `Could not load jobs: ${state.jobsError}`));
  else if (!jobs.length) list.append(h('li', { class: 'empty' }, 'No jobs for you yet.'));
}

function openFromHash(): void {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const job = currentSession()?.role !== 'customer' ? visibleJobs().find((j) => j.job_id === id) : undefined;
  if (!job) {
    closeDrawer();
    return;
  }
  if (state.job?.job_id === job.job_id) return;
  state.job = job;
  state.photos = [];
  state.loadError = '';
  byId('cards').replaceChildren();
  document.body.classList.add('drawer-open');
  byId('drawer').hidden = false;
  byId('job-title').textContent = `Job ${job.job_id}`;
  byId('job-details').replaceChildren(
    h('dt', {}, 'Address'),
    h('dd', {}, job.address),
    h('dt', {}, 'Status'),
    h('dd', {}, job.status || 'unknown'),
    ...(job.dumpster_size ? [h('dt', {}, 'Dumpster'), h('dd', {}, job.dumpster_size)] : []),
    ...(job.delivery_date ? [h('dt', {}, 'Drop-off'), h('dd', {}, day(job.delivery_date))] : []),
    ...(job.pickup_date ? [h('dt', {}, 'Pickup'), h('dd', {}, day(job.pickup_date))] : []),
  );
  renderJobs();
  byId('job-title').focus();
  void refresh();
}

function closeDrawer(): void {
  if (!state.job) return;
  state.job = null;
  document.body.classList.remove('drawer-open');
  byId('drawer').hidden = true;
  if (state.poll) clearTimeout(state.poll);
  state.poll = null;
  renderJobs();
}

function wireCapture(): void {
  for (const id of ['take', 'choose']) {
    const input = byId<HTMLInputElement>(id);
    input.addEventListener('change', () => {
      const files = [...(input.files ?? [])];
      input.value = '';
      if (!state.job || !files.length) return;
      const jobId = state.job.job_id;
      const picked: PickedFile[] = files.map((file) => ({
        jobId,
        file,
        filename: file.name || 'photo',
        contentType: contentTypeOf(file),
      }));
      void queue.add(picked, refuse).then(() => void refresh());
    });
  }
}

function contentTypeOf(file: File): string {
  if (ALLOWED.has(file.type)) return file.type;
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  return TYPES[ext] ?? (file.type || 'application/octet-stream');
}

function refuse(f: PickedFile): string | null {
  if (!ALLOWED.has(f.contentType)) return 'not a photo';
  if (f.file.size === 0) return 'the file is empty';
  if (f.file.size > MAX_BYTES) return `larger than ${megabytes(MAX_BYTES)}`;
  return null;
}

/** Lists the job's photos and keeps asking every 2 s until every card has its verdict. */
async function refresh(): Promise<void> {
  const job = state.job;
  if (!job) return;
  if (state.poll) clearTimeout(state.poll);
  state.poll = null;
  try {
    const photos = await listAllPhotos(job.job_id);
    if (state.job !== job) return;
    state.photos = photos;
    state.loadError = '';
  } catch (error) {
    if (state.job !== job) return;
    state.loadError =
      error instanceof ApiError && error.status !== 0
        ? error.message
        : 'Offline — showing what this phone knows.';
  }
  renderCards();
  const open = currentCards().filter(
    (c) => c.state !== 'ready' && c.state !== 'refused' && c.state !== 'failed',
  );
  // This phone's photos are watched closely; another phone's unfinished upload more calmly.
  if (open.some((c) => c.item) || state.loadError) state.poll = setTimeout(() => void refresh(), 2000);
  else if (open.length) state.poll = setTimeout(() => void refresh(), 10_000);
}

function currentCards(): CardModel[] {
  if (!state.job) return [];
  const job = state.job.job_id;
  const items = queue.items().filter((i) => i.jobId === job);
  const names = new Map<string, string>();
  for (const i of queue.items()) if (i.photoId) names.set(i.photoId, i.filename);
  return cardModels(items, state.photos, names, navigator.onLine);
}

let renderQueued = false;
function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderCards();
    // A photo that just reached S3 is now the server's to judge: start asking.
    if (state.job && !state.poll) void refresh();
  });
}

function renderCards(): void {
  renderStatus();
  const list = byId('cards');
  if (!state.job) return;
  const cards = currentCards();
  const existing = new Map<string, HTMLLIElement>();
  for (const li of list.querySelectorAll<HTMLLIElement>(':scope > li[data-key]'))
    existing.set(li.dataset.key ?? '', li);
  const next: HTMLLIElement[] = [];
  for (const card of cards) {
    let li = existing.get(card.key);
    const sig = signature(card);
    if (!li) {
      li = h('li', { class: 'card', 'data-key': card.key });
    }
    if (li.dataset.sig !== sig) {
      li.dataset.sig = sig;
      li.dataset.state = card.state;
      if (card.photo) li.dataset.photoId = card.photo.photo_id;
      li.replaceChildren(...cardContent(card, actions));
    } else {
      const bar = li.querySelector('progress');
      if (bar) bar.value = card.progress;
      const label = li.querySelector('.state-label');
      if (label && label.textContent !== card.label) label.textContent = card.label;
    }
    next.push(li);
  }
  // Keep nodes that did not change in place (no image reload, no layout jump).
  next.forEach((li, i) => {
    if (list.children[i] !== li) list.insertBefore(li, list.children[i] ?? null);
  });
  while (list.children.length > next.length) list.lastElementChild?.remove();
  byId('cards-empty').hidden = cards.length > 0;
}

const actions = {
  open(card: CardModel, from: HTMLElement) {
    if (card.photo) openViewer(card.photo, card.filename, from);
  },
  retry(card: CardModel) {
    if (card.item) void queue.retry(card.item.id);
  },
  remove(card: CardModel) {
    if (card.item) void queue.remove(card.item.id).then(() => renderCards());
  },
};

function renderStatus(): void {
  const items: UploadItem[] = queue.items();
  const waiting = items.filter((i) => i.state === 'queued').length;
  const sending = items.filter((i) => i.state === 'uploading').length;
  const parts: string[] = [];
  if (!navigator.onLine) parts.push('Offline: photos wait on this phone and go when the connection is back.');
  if (sending) parts.push(`Sending ${sending}.`);
  if (waiting) parts.push(`${waiting} waiting.`);
  if (state.loadError && navigator.onLine) parts.push(state.loadError);
  if (!currentSession() && (waiting || sending)) parts.push('Sign in to send them.');
  byId('queue-status').textContent = parts.join(' ');
  const cards = currentCards();
  const done = cards.filter((c) => FINAL.has(c.photo?.status ?? 'pending') || c.state === 'refused').length;
  byId('cards-count').textContent = cards.length ? `(${done} of ${cards.length} done)` : '';
}
