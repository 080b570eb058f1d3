import type { Photo } from '../repo/photo.ts';
import type { SiteLocation } from './quote.ts';

/**
 * The delivery site from a quote's photos, when the address gives no coordinates (there is no
 * geocoder): an EXIF position beats a device fix (the camera saw the debris where it lies; the
 * phone may be across the street), and among each kind the earliest photo wins. Rejected photos
 * do not count; a pending photo's device fix does (it was sent at capture).
 */
export function siteFromPhotos(photos: Photo[]): SiteLocation | null {
  const usable = photos
    .filter((p) => p.status !== 'rejected' && p.status !== 'missing')
    .sort((a, b) => (a.photoId < b.photoId ? -1 : 1));
  for (const p of usable) {
    if (p.gps?.source === 'exif')
      return { lat: p.gps.lat, lon: p.gps.lon, source: 'exif', photo_id: p.photoId };
  }
  for (const p of usable) {
    const fix = p.gps?.source === 'device' ? { ...p.gps, accuracyM: p.gps.accuracyM ?? null } : p.deviceGps;
    if (fix)
      return {
        lat: fix.lat,
        lon: fix.lon,
        source: 'device',
        photo_id: p.photoId,
        accuracy_m: fix.accuracyM ?? null,
      };
  }
  return null;
}
