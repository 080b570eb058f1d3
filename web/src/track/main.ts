import '../shared/style.css';
import { ApiError, api } from '../shared/api.ts';
import { byId, day, h, when } from '../shared/dom.ts';
import { type ApiJob, getJob } from '../shared/jobs.ts';
import { type ApiPhoto, listAllPhotos } from '../shared/photos.ts';
import { currentSession, saveSession } from '../shared/session.ts';
import { devInfo, renderAccount } from '../shared/signin.ts';
import { openViewer } from '../shared/viewer.ts';

const POLL_MS = 5000;
const jobId = decodeURIComponent(window.location.pathname.split('/')[2] ?? '');
let job: ApiJob | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let shown = new Set<string>();

let linkProblem = '';
await exchangeTrackingLink();
renderAccount(await devInfo(), ['customer', 'admin'], () => void load());
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) void load();
});
await load();

/**
 * A tracking link (`/track/{job_id}#link=…`, from a confirmed booking) signs this tab in as the
 * booking's customer with a fresh short token. The link sits in the fragment, which is never sent
 * to a server; it is taken out of the address bar at once so it is not left on screen.
 */
async function exchangeTrackingLink(): Promise<void> {
  const match = /^#link=([\w.-]+)$/.exec(window.location.hash);
  if (!match) return;
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  try {
    const out = await api<{ customer_token: string; expires_in: number; customer_id: string }>(
      '/tracking/token',
      { method: 'POST', body: { link: match[1] }, token: '' },
    );
    saveSession({
      token: out.customer_token,
      sub: out.customer_id,
      role: 'customer',
      name: 'the booking customer',
      expiresAt: Date.now() + out.expires_in * 1000,
    });
  } catch (error) {
    linkProblem =
      error instanceof ApiError && error.status === 401
        ? 'This tracking link does not work any more. Sign in, or ask us for a new link.'
        : 'Could not open the tracking link; try again in a moment.';
  }
}

/** Loads the job's ready photos, then again every few seconds so new ones appear without a reload. */
async function load(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  const content = byId('content');
  byId('title').textContent = `Your job ${jobId}`;
  if (!currentSession()) {
    shown = new Set();
    content.replaceChildren(
      h('p', {}, 'Sign in to see the photos of your job, or open the tracking link of your booking.'),
      linkProblem ? h('p', { class: 'error', role: 'alert' }, linkProblem) : '',
    );
    return;
  }
  if (jobId.startsWith('quote-')) return loadQuote(jobId.slice('quote-'.length));
  try {
    // The job's facts and its photos, both from the API (the same on AWS as locally).
    const [facts, photos] = await Promise.all([getJob(jobId), listAllPhotos(jobId)]);
    const statusChanged = job !== null && job.status !== facts.status;
    job = facts;
    if (statusChanged) document.getElementById('job-facts')?.replaceWith(jobFacts());
    render(photos.filter((p) => p.status === 'ready' && p.thumbnails));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404))
      return notYours(error.status);
    if (!(error instanceof ApiError) || error.status !== 401) {
      showProblem(error instanceof Error ? error.message : String(error));
    } else {
      showProblem('Your sign-in has expired. Sign out and sign in again.');
      return;
    }
  }
  if (!document.hidden) timer = setTimeout(() => void load(), POLL_MS);
}

function render(ready: ApiPhoto[]): void {
  const content = byId('content');
  let gallery = document.getElementById('gallery');
  if (!gallery || !document.getElementById('job-facts')) {
    gallery = h('ul', { id: 'gallery', class: 'gallery', 'aria-label': 'Photos of your job' });
    shown = new Set();
    content.replaceChildren(
      jobFacts(),
      h('div', { id: 'quote' }),
      h('h2', {}, 'Photos'),
      h(
        'p',
        { id: 'gallery-empty', class: 'muted' },
        'No photos yet. The crew adds them at drop-off and pickup.',
      ),
      gallery,
      h('p', { id: 'gallery-status', class: 'muted', role: 'status', 'aria-live': 'polite' }),
    );
    void showQuote();
  }
  // Newest first; only photos not shown yet are added, so nothing already on screen moves or reloads.
  const fresh = ready.filter((p) => !shown.has(p.photo_id));
  for (const photo of fresh) {
    shown.add(photo.photo_id);
    const title = photo.taken_at ? `taken ${when(photo.taken_at)}` : `added ${when(photo.uploaded_at)}`;
    const button = h(
      'button',
      { type: 'button', class: 'thumb-button', 'aria-label': `Open the photo ${title} large` },
      h('img', { src: photo.thumbnails?.small ?? '', alt: `Job photo ${title}`, width: 320, height: 240 }),
    );
    button.addEventListener('click', () => openViewer(photo, `Photo ${title}`, button));
    gallery.prepend(h('li', { 'data-photo-id': photo.photo_id }, button));
  }
  byId('gallery-empty').hidden = shown.size > 0;
  if (fresh.length && shown.size > fresh.length) {
    byId('gallery-status').textContent = `${fresh.length} new photo${fresh.length > 1 ? 's' : ''} added.`;
  }
}

function jobFacts(): HTMLElement {
  const facts = h('dl', { id: 'job-facts', class: 'details' }, h('dt', {}, 'Job'), h('dd', {}, jobId));
  if (job) {
    facts.append(
      h('dt', {}, 'Status'),
      h('dd', {}, h('span', { class: 'badge' }, job.status || 'scheduled')),
    );
    facts.append(h('dt', {}, 'Address'), h('dd', {}, job.address));
    if (job.dumpster_size) facts.append(h('dt', {}, 'Dumpster'), h('dd', {}, job.dumpster_size));
    if (job.delivery_date) facts.append(h('dt', {}, 'Drop-off'), h('dd', {}, day(job.delivery_date)));
    if (job.pickup_date) facts.append(h('dt', {}, 'Pickup'), h('dd', {}, day(job.pickup_date)));
  }
  return facts;
}

/** A booking that just confirmed lands here with `?quote=`: show where its payment is. */
async function showQuote(): Promise<void> {
  const quoteId = new URLSearchParams(window.location.search).get('quote');
  if (!quoteId) return;
  try {
    const quote = await api<{
      quote_id: string;
      status: string;
      payment_method?: string | null;
      tracking_link?: string | null;
    }>(`/quotes/${encodeURIComponent(quoteId)}`);
    const text =
      quote.status === 'confirmed'
        ? 'Your booking is confirmed. Thank you!'
        : quote.status === 'awaiting_zelle'
          ? 'We are waiting for your Zelle payment; this page updates once it is confirmed.'
          : `Your booking is ${quote.status.replace(/_/g, ' ')}.`;
    document.getElementById('quote')?.replaceChildren(
      h('p', { class: 'notice', 'data-quote-status': quote.status }, text),
      // The sign-in of a booking lasts days; this link brings the customer back here for months.
      quote.tracking_link
        ? h(
            'p',
            {},
            'Keep ',
            h('a', { id: 'tracking-link', href: quote.tracking_link }, 'this link to your job'),
            ' (bookmark it): it brings you back to this page after your sign-in has ended.',
          )
        : '',
    );
  } catch {
    // The confirmation is a courtesy; the photos are the page.
  }
}

function notYours(status: number): void {
  const session = currentSession();
  byId('title').textContent = status === 403 ? 'This job is not yours' : 'No such job';
  byId('content').replaceChildren(
    h(
      'p',
      {},
      status === 403
        ? `You are signed in as ${session?.name ?? 'someone else'}, and job ${jobId} belongs to another customer. Sign in as the customer who booked it to see its photos.`
        : `There is no job ${jobId}. Check the link you were sent.`,
    ),
  );
  shown = new Set();
}

function showProblem(message: string): void {
  const existing = document.getElementById('gallery-status');
  if (existing) existing.textContent = `Could not refresh: ${message}`;
  else byId('content').replaceChildren(h('p', { class: 'error' }, message));
}

const QUOTE_TEXT: Record<string, string> = {
  open: 'Your price is ready; the booking is not paid yet.',
  checkout_open: 'Waiting for the card payment to finish.',
  awaiting_zelle: 'We are waiting for your Zelle payment; this page updates once it is confirmed.',
  expired: 'This quote expired before it was paid. Get a new price to book.',
  confirmed: 'Your booking is confirmed. Thank you!',
};

/** A booking before its job exists: its payment state, until confirmation turns it into the job's page. */
async function loadQuote(quoteId: string): Promise<void> {
  byId('title').textContent = 'Your booking';
  try {
    const quote = await api<{ quote_id: string; status: string; job_id?: string | null }>(
      `/quotes/${encodeURIComponent(quoteId)}`,
    );
    if (quote.status === 'confirmed' && quote.job_id) {
      window.location.replace(
        `/track/${encodeURIComponent(quote.job_id)}?quote=${encodeURIComponent(quoteId)}`,
      );
      return;
    }
    const text = QUOTE_TEXT[quote.status] ?? `Your booking is ${quote.status.replace(/_/g, ' ')}.`;
    byId('content').replaceChildren(
      h('p', { class: 'notice', 'data-quote-status': quote.status }, text),
      quote.status === 'open' || quote.status === 'expired'
        ? h('p', {}, h('a', { href: '/book' }, 'Back to booking'))
        : '',
    );
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404))
      return notYours(error.status);
    showProblem(error instanceof Error ? error.message : String(error));
  }
  if (!document.hidden) timer = setTimeout(() => void load(), POLL_MS);
}
