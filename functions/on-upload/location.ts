import type { ExifFacts } from '../../lib/image/exif.ts';
import { distanceMeters } from '../../lib/image/geo.ts';
import type { PhotoGps } from '../../lib/repo/photo.ts';

/** Where a photo was taken and how far that is from the job site. */
export interface LocatedPhoto {
  gps: PhotoGps | null;
  distanceM: number | null;
  farFromSite: boolean;
}

/**
 * EXIF GPS when present, else the device location sent at capture (with its accuracy), else none;
 * flags photos farther from the site than the threshold (allowing for the fix's accuracy).
 */
export function locatePhoto(
  exif: ExifFacts | null,
  device: { lat: number; lon: number; accuracyM: number | null } | null,
  site: { lat: number; lon: number } | null,
  farThresholdM: number,
): LocatedPhoto {
  let gps: PhotoGps | null = null;
  if (exif?.gps) {
    gps = { lat: exif.gps.lat, lon: exif.gps.lon, altitude: exif.gps.altitude, source: 'exif' };
  } else if (device) {
    gps = { lat: device.lat, lon: device.lon, accuracyM: device.accuracyM, source: 'device' };
  }
  if (!gps || !site) return { gps, distanceM: null, farFromSite: false };
  const distanceM = Math.round(distanceMeters(gps, site));
  return { gps, distanceM, farFromSite: distanceM - (gps.accuracyM ?? 0) > farThresholdM };
}
