import { h } from '../shared/dom.ts';
import { type ApiPhoto, FINAL } from '../shared/photos.ts';
import { plainReason } from '../shared/reasons.ts';
import type { UploadItem } from '../upload/types.ts';

/** What one card shows: one photo from pick to verdict. */
export type CardState = 'queued' | 'uploading' | 'checking' | 'ready' | 'refused' | 'failed';

/** A card's content, computed from the queue item and/or the server's photo. */
export interface CardModel {
  key: string;
  filename: string;
  state: CardState;
  /** The line under the filename. */
  label: string;
  progress: number;
  sortKey: number;
  photo: ApiPhoto | null;
  item: UploadItem | null;
}

/**
 * Joins the queue's items with the job's photos into one card per photo, newest first: a queue
 * item stays one card across its tries (every photo id it was granted belongs to it), and the
 * server's verdict takes over once S3 has the bytes.
 */
export function cardModels(
  items: UploadItem[],
  photos: ApiPhoto[],
  knownNames: Map<string, string>,
  online = true,
): CardModel[] {
  const byId = new Map(photos.map((p) => [p.photo_id, p]));
  const claimed = new Set<string>();
  const cards: CardModel[] = [];
  for (const item of items) {
    for (const id of item.grantIds) claimed.add(id);
    const photo = item.photoId ? (byId.get(item.photoId) ?? null) : null;
    cards.push({
      ...fromItem(item, photo, online),
      key: item.id,
      filename: item.filename,
      sortKey: item.addedAt,
      item,
      photo,
    });
  }
  for (const photo of photos) {
    if (claimed.has(photo.photo_id)) continue;
    // Another phone's upload: named by the filename the API keeps, else by its time.
    const filename =
      photo.filename ?? knownNames.get(photo.photo_id) ?? `Photo of ${shortTime(ulidTime(photo.photo_id))}`;
    cards.push({
      ...fromPhoto(photo),
      key: photo.photo_id,
      filename,
      sortKey: ulidTime(photo.photo_id),
      item: null,
      photo,
    });
  }
  return cards.sort((a, b) => b.sortKey - a.sortKey);
}

function fromItem(
  item: UploadItem,
  photo: ApiPhoto | null,
  online: boolean,
): Pick<CardModel, 'state' | 'label' | 'progress'> {
  switch (item.state) {
    case 'queued':
      if (!online) return { state: 'queued', label: 'Waiting for a connection…', progress: 0 };
      return { state: 'queued', label: item.reason ?? 'Waiting to upload…', progress: 0 };
    case 'uploading':
      return {
        state: 'uploading',
        label: `Uploading ${Math.round(item.progress * 100)} %`,
        progress: item.progress,
      };
    case 'refused':
      return { state: 'refused', label: `Refused: ${item.reason ?? 'refused'}`, progress: 0 };
    case 'failed':
      return { state: 'failed', label: `Not sent: ${item.reason ?? 'failed'}`, progress: 0 };
    case 'uploaded':
      // S3 has the bytes (its 201 said so), so a `pending` record only means the check has not run yet.
      return photo && photo.status !== 'pending'
        ? fromPhoto(photo)
        : { state: 'checking', label: 'Uploaded — checking…', progress: 1 };
  }
}

function fromPhoto(photo: ApiPhoto): Pick<CardModel, 'state' | 'label' | 'progress'> {
  if (photo.status === 'ready') return { state: 'ready', label: 'Ready', progress: 1 };
  // Not this phone's upload: `pending` means a URL was issued and nothing has arrived yet.
  if (photo.status === 'pending')
    return { state: 'queued', label: 'Waiting for the upload to arrive', progress: 0 };
  if (!FINAL.has(photo.status)) return { state: 'checking', label: 'Uploaded — checking…', progress: 1 };
  const reason = plainReason(photo.status, photo.reason ?? null, photo.reason_code);
  return photo.status === 'rejected'
    ? { state: 'refused', label: `Refused: ${reason}`, progress: 0 }
    : { state: 'failed', label: `Failed: ${reason}`, progress: 0 };
}

function shortTime(ms: number): string {
  if (!ms) return 'unknown time';
  return new Date(ms).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The time in a ULID (its first ten characters), 0 for anything else. */
export function ulidTime(id: string): number {
  if (!/^[0-9A-HJKMNP-TV-Z]{26}$/i.test(id)) return 0;
  let t = 0;
  for (const c of id.slice(0, 10).toUpperCase()) t = t * 32 + CROCKFORD.indexOf(c);
  return t;
}

/** What the card element needs to be rebuilt (the thumbnail URL changes on every listing, so not it). */
export function signature(card: CardModel): string {
  return [
    card.state,
    card.label,
    card.filename,
    card.item?.state === 'failed' || card.item?.state === 'refused',
  ].join('|');
}

/** Handlers for a card's buttons. */
export interface CardActions {
  open(card: CardModel, from: HTMLElement): void;
  retry(card: CardModel): void;
  remove(card: CardModel): void;
}

/** Builds the inside of a card; every string goes in as text. */
export function cardContent(card: CardModel, actions: CardActions): Node[] {
  const thumb = h('div', { class: 'thumb' });
  if (card.state === 'ready' && card.photo?.thumbnails) {
    const open = h(
      'button',
      { type: 'button', class: 'thumb-button', 'aria-label': `Open ${card.filename} large` },
      h('img', {
        src: card.photo.thumbnails.small,
        alt: card.filename,
        width: 320,
        height: 240,
        loading: 'lazy',
      }),
    );
    open.addEventListener('click', () => actions.open(card, open));
    thumb.append(open);
  } else {
    thumb.append(
      h('span', { class: `glyph glyph-${card.state}`, 'aria-hidden': 'true' }, GLYPHS[card.state]),
    );
  }
  const body = h(
    'div',
    { class: 'card-body' },
    h('p', { class: 'filename' }, card.filename),
    h('p', { class: 'state-label' }, card.label),
  );
  if (card.item && (card.state === 'uploading' || card.state === 'queued')) {
    body.append(h('progress', { max: 1, value: card.progress, 'aria-label': `Upload of ${card.filename}` }));
  }
  const item = card.item;
  if (item && (item.state === 'failed' || item.state === 'refused')) {
    const row = h('div', { class: 'card-actions' });
    if (item.state === 'failed' && item.file) {
      const retry = h('button', { type: 'button' }, 'Retry');
      retry.addEventListener('click', () => actions.retry(card));
      row.append(retry);
    }
    const remove = h('button', { type: 'button', class: 'secondary' }, 'Remove');
    remove.addEventListener('click', () => actions.remove(card));
    row.append(remove);
    body.append(row);
  }
  return [thumb, body];
}

const GLYPHS: Record<CardState, string> = {
  queued: '◷',
  uploading: '↑',
  checking: '…',
  ready: '',
  refused: '⊘',
  failed: '!',
};
