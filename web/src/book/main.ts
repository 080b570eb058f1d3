import '../shared/style.css';
import { ApiError, api } from '../shared/api.ts';
import { byId, h, when } from '../shared/dom.ts';
import { dollars } from '../shared/money.ts';
import { currentSession, saveSession } from '../shared/session.ts';
import { devInfo, renderAccount } from '../shared/signin.ts';
import { browserTransport } from '../upload/browser-transport.ts';
import { openQueueStore } from '../upload/idb-store.ts';
import { UploadQueue } from '../upload/queue.ts';
import type { UploadItem } from '../upload/types.ts';
import type { Quote, ZelleInstructions } from './types.ts';

const KEPT = 'qdn.booking';
const TYPED = 'qdn.booking.form';
const SIZES = ['10yd', '15yd', '20yd', '30yd', '40yd'];
const DEBRIS = ['household', 'construction', 'yard', 'roofing', 'concrete'];
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif']);

let quote: Quote | null = readKept();
// Booking photos never ask for the phone's position: they show debris, not a job site.
const queue = new UploadQueue({
  store: await openQueueStore(),
  transport: browserTransport(async () => null),
  online: () => navigator.onLine,
  onChange: () => renderUploads(),
});
await queue.restore();
window.addEventListener('online', () => queue.pump());
const info = await devInfo();
renderAccount(info, ['customer'], () => render(), true);
render();

function render(): void {
  const content = byId('content');
  content.replaceChildren(quoteForm());
  if (quote) content.append(priceSection(quote), attachSection(quote), paySection(quote));
  renderUploads();
}

function field(label: string, control: HTMLElement): HTMLElement {
  return h('label', {}, label, control);
}

function quoteForm(): HTMLElement {
  const size = h('select', { name: 'dumpster_size', required: true });
  for (const s of SIZES)
    size.append(h('option', { value: s, selected: s === '20yd' }, `${s.replace('yd', ' yard')} dumpster`));
  const debris = h('select', { name: 'debris_type', required: true });
  for (const d of DEBRIS) debris.append(h('option', { value: d }, d[0]?.toUpperCase() + d.slice(1)));
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const error = h('p', { id: 'quote-error', class: 'error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { id: 'quote-form', class: 'stack', 'aria-labelledby': 'quote-title' },
    h('h2', { id: 'quote-title' }, '1. Your dumpster'),
    field('Size', size),
    field(
      'Rental days',
      h('input', {
        name: 'rental_days',
        type: 'number',
        min: 1,
        max: 30,
        value: 7,
        required: true,
        inputmode: 'numeric',
      }),
    ),
    field('Debris', debris),
    field(
      'Delivery address',
      h('input', { name: 'address', autocomplete: 'street-address', required: true }),
    ),
    field(
      'ZIP code',
      h('input', {
        name: 'zip',
        inputmode: 'numeric',
        pattern: '\\d{5}',
        autocomplete: 'postal-code',
        required: true,
      }),
    ),
    field(
      'Delivery date',
      h('input', { name: 'date', type: 'date', min: tomorrow, value: tomorrow, required: true }),
    ),
    field('Your name', h('input', { name: 'name', autocomplete: 'name', required: true })),
    field('Email', h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true })),
    field('Phone', h('input', { name: 'phone', type: 'tel', autocomplete: 'tel', required: true })),
    error,
    h('button', { type: 'submit' }, quote ? 'Get a new price' : 'Get my price'),
  );
  // What was typed stays after the price comes (and after a reload): the form is rebuilt then.
  const typed = JSON.parse(sessionStorage.getItem(TYPED) ?? '{}') as Record<string, string>;
  for (const [name, value] of Object.entries(typed)) {
    const control = form.elements.namedItem(name);
    if (control instanceof HTMLInputElement || control instanceof HTMLSelectElement) control.value = value;
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    sessionStorage.setItem(
      TYPED,
      JSON.stringify(Object.fromEntries([...data.keys()].map((k) => [k, text(k)]))),
    );
    error.hidden = true;
    api<Quote>('/book-quote', {
      method: 'POST',
      body: {
        dumpster_size: text('dumpster_size'),
        rental_days: Number(text('rental_days')),
        delivery: { address: text('address'), zip: text('zip'), date: text('date') },
        debris_type: text('debris_type'),
        contact: { name: text('name'), email: text('email'), phone: text('phone') },
      },
    })
      .then((q) => {
        quote = q;
        sessionStorage.setItem(KEPT, JSON.stringify(q));
        if (!currentSession()) {
          saveSession({
            token: q.customer_token,
            sub: q.customer_id,
            role: 'customer',
            name: text('name'),
            expiresAt: tokenExpiry(q.customer_token),
          });
        }
        renderAccount(info, ['customer'], () => render(), true);
        render();
        document.getElementById('price-title')?.focus();
      })
      .catch((err: unknown) => {
        error.hidden = false;
        error.textContent = err instanceof ApiError ? err.message : 'Could not get a price. Try again.';
      });
  });
  return form;
}

function priceSection(q: Quote): HTMLElement {
  const rows = q.price.lines.map((l) =>
    h('tr', {}, h('td', {}, l.label), h('td', { class: 'amount' }, dollars(l.amount_cents))),
  );
  return h(
    'section',
    {
      id: 'price',
      'aria-labelledby': 'price-title',
      'data-quote-id': q.quote_id,
      'data-total-cents': q.price.total_cents,
    },
    h('h2', { id: 'price-title', tabindex: -1 }, '2. Your price'),
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, 'Price, line by line'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Item'), h('th', { scope: 'col' }, 'Amount'))),
      h('tbody', {}, ...rows),
      h(
        'tfoot',
        {},
        h('tr', {}, h('th', { scope: 'row' }, 'Subtotal'), h('td', {}, dollars(q.price.subtotal_cents))),
        h('tr', {}, h('th', { scope: 'row' }, 'Tax'), h('td', {}, dollars(q.price.tax_cents))),
        h(
          'tr',
          { class: 'total' },
          h('th', { scope: 'row' }, 'Total'),
          h('td', {}, dollars(q.price.total_cents)),
        ),
      ),
    ),
    h('p', { class: 'muted' }, `This price holds until ${when(q.expires_at)}.`),
  );
}

function attachSection(q: Quote): HTMLElement {
  const section = h(
    'section',
    { id: 'attach', 'aria-labelledby': 'attach-title' },
    h('h2', { id: 'attach-title' }, '3. Photos of the debris (optional)'),
    h('p', { class: 'muted' }, 'They help the crew bring the right dumpster.'),
  );
  const input = h('input', {
    id: 'booking-photos',
    class: 'visually-hidden',
    type: 'file',
    accept: 'image/*',
    multiple: true,
  });
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = '';
    void queue.add(
      files.map((file) => ({
        jobId: `quote-${q.quote_id}`,
        file,
        filename: file.name || 'photo',
        contentType: file.type,
      })),
      (f) =>
        PHOTO_TYPES.has(f.contentType)
          ? f.file.size > 10 * 1024 * 1024
            ? 'larger than 10 MB'
            : null
          : 'not a photo',
    );
  });
  section.append(
    h(
      'div',
      { class: 'capture' },
      input,
      h('label', { class: 'button big secondary', for: 'booking-photos' }, 'Add photos'),
    ),
    h('ul', { id: 'booking-uploads', class: 'upload-list', 'aria-label': 'Photos for this booking' }),
  );
  return section;
}

function renderUploads(): void {
  const list = document.getElementById('booking-uploads');
  if (!list || !quote) return;
  const mine = queue.items().filter((i) => i.jobId === `quote-${quote?.quote_id}`);
  list.replaceChildren(...mine.map(uploadRow));
}

function uploadRow(item: UploadItem): HTMLElement {
  const label: Record<UploadItem['state'], string> = {
    queued: navigator.onLine ? 'Waiting to upload…' : 'Waiting for a connection…',
    uploading: `Uploading ${Math.round(item.progress * 100)} %`,
    uploaded: 'Attached',
    refused: `Refused: ${item.reason ?? ''}`,
    failed: `Not sent: ${item.reason ?? ''}`,
  };
  return h(
    'li',
    { 'data-state': item.state },
    h('span', { class: 'filename' }, item.filename),
    ' — ',
    h('span', { class: 'state-label' }, label[item.state]),
  );
}

function paySection(q: Quote): HTMLElement {
  const status = h('div', { id: 'pay-status', role: 'status', 'aria-live': 'polite' });
  const card = h('button', { id: 'pay-card', type: 'button' }, 'Pay by card');
  const zelle = h('button', { id: 'pay-zelle', type: 'button', class: 'secondary' }, 'Pay with Zelle');
  const busy = (on: boolean) => {
    card.disabled = on;
    zelle.disabled = on;
  };
  card.addEventListener('click', () => {
    busy(true);
    status.textContent = 'Opening the secure card payment…';
    checkout<{ checkout_url: string }>(q, 'stripe')
      .then((out) => window.location.assign(out.checkout_url))
      .catch((err: unknown) => {
        busy(false);
        status.textContent = message(err);
      });
  });
  zelle.addEventListener('click', () => {
    busy(true);
    checkout<ZelleInstructions>(q, 'zelle')
      .then((z) => {
        busy(false);
        status.replaceChildren(zelleBox(q, z));
      })
      .catch((err: unknown) => {
        busy(false);
        status.textContent = message(err);
      });
  });
  return h(
    'section',
    { id: 'pay', 'aria-labelledby': 'pay-title' },
    h('h2', { id: 'pay-title' }, '4. Pay'),
    h('div', { class: 'capture' }, card, zelle),
    status,
  );
}

function zelleBox(q: Quote, z: ZelleInstructions): HTMLElement {
  return h(
    'div',
    { id: 'zelle', class: 'notice', 'data-memo': z.memo },
    h(
      'p',
      {},
      'Send this Zelle payment from your bank app. Put the memo in exactly as shown: that is how we match it to your booking.',
    ),
    h(
      'dl',
      { class: 'details' },
      h('dt', {}, 'To'),
      h('dd', {}, z.recipient),
      h('dt', {}, 'Amount'),
      h('dd', {}, dollars(z.amount_cents)),
      h('dt', {}, 'Memo'),
      h('dd', {}, h('code', { class: 'memo' }, z.memo)),
    ),
    h(
      'p',
      {},
      'We confirm your booking once the payment arrives. ',
      h('a', { id: 'track-link', href: trackingHref(q) }, 'Follow your booking'),
    ),
  );
}

function checkout<T>(q: Quote, method: 'stripe' | 'zelle'): Promise<T> {
  return api<T>(`/quotes/${encodeURIComponent(q.quote_id)}/checkout`, {
    method: 'POST',
    body: { payment_method: method },
  });
}

/** Where the customer follows the booking: the API's tracking URL when it gives one, else the quote's. */
function trackingHref(q: Quote): string {
  if (q.tracking_url) return q.tracking_url;
  return `/track/quote-${encodeURIComponent(q.quote_id)}`;
}

function message(err: unknown): string {
  if (err instanceof ApiError && err.status === 409)
    return 'This quote can no longer be paid (it is paid or expired). Get a new price.';
  return err instanceof ApiError ? err.message : 'Something went wrong. Try again.';
}

function readKept(): Quote | null {
  try {
    const q = JSON.parse(sessionStorage.getItem(KEPT) ?? 'null') as Quote | null;
    return q && Date.parse(q.expires_at) > Date.now() ? q : null;
  } catch {
    return null;
  }
}

function tokenExpiry(token: string): number {
  try {
    const payload = JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as {
      exp?: number;
    };
    if (typeof payload.exp === 'number') return payload.exp * 1000;
  } catch {
    // not a JWT we can read: fall back to an hour
  }
  return Date.now() + 3600_000;
}
