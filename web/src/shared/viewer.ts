import { h, when } from './dom.ts';
import type { ApiPhoto } from './photos.ts';

/** A map link for a position (OpenStreetMap: no key, no tracking script on our page). */
export function mapLink(lat: number, lon: number): string {
  const la = lat.toFixed(6);
  const lo = lon.toFixed(6);
  return `https://www.openstreetmap.org/?mlat=${la}&mlon=${lo}#map=18/${la}/${lo}`;
}

/** Where a photo's position came from, in words. */
export function locationSource(photo: ApiPhoto): string {
  if (!photo.gps) return 'No location';
  return photo.gps.source === 'exif'
    ? 'From the photo (camera GPS)'
    : 'From the phone at upload (device GPS)';
}

let dialog: HTMLDialogElement | null = null;

/** Opens the large view of a ready photo: the large thumbnail, taken-at, location source, map link. */
export function openViewer(photo: ApiPhoto, title: string, returnFocus?: HTMLElement): void {
  if (!photo.thumbnails) return;
  dialog?.remove();
  const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close the large view' }, '✕');
  const facts = h(
    'dl',
    { class: 'facts' },
    h('dt', {}, 'Taken'),
    h('dd', { 'data-fact': 'taken-at' }, photo.taken_at ? when(photo.taken_at) : 'Unknown (no camera time)'),
    h('dt', {}, 'Location'),
    h('dd', { 'data-fact': 'location-source' }, locationSource(photo)),
  );
  if (photo.gps) {
    facts.append(
      h('dt', {}, 'Map'),
      h(
        'dd',
        {},
        h(
          'a',
          { href: mapLink(photo.gps.lat, photo.gps.lon), target: '_blank', rel: 'noopener noreferrer' },
          `Open ${photo.gps.lat.toFixed(5)}, ${photo.gps.lon.toFixed(5)} on a map`,
        ),
      ),
    );
  }
  const titleId = `viewer-title-${photo.photo_id}`;
  const ratio = photo.width && photo.height ? `${photo.width} / ${photo.height}` : '4 / 3';
  const img = h('img', {
    src: photo.thumbnails.large,
    alt: `Photo ${title}`,
    width: photo.width ?? undefined,
    height: photo.height ?? undefined,
  });
  img.style.aspectRatio = ratio;
  dialog = h(
    'dialog',
    { class: 'viewer', 'aria-labelledby': titleId },
    h('div', { class: 'viewer-head' }, h('h2', { id: titleId }, title), close),
    img,
    facts,
  );
  close.addEventListener('click', () => dialog?.close());
  dialog.addEventListener('close', () => {
    dialog?.remove();
    dialog = null;
    returnFocus?.focus();
  });
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog?.close();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}
