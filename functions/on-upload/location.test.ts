import { describe, expect, it } from 'vitest';
import { locatePhoto } from './location.ts';

const site = { lat: 39.9526, lon: -75.1652 };
const exif = (gps: { lat: number; lon: number } | null) => ({
  gps: gps ? { ...gps, altitude: 12 } : null,
  takenAt: null,
  orientation: null,
  make: null,
  model: null,
});

describe('locatePhoto', () => {
  it('prefers EXIF GPS over the device location', () => {
    const out = locatePhoto(
      exif({ lat: 39.9527, lon: -75.1651 }),
      { lat: 0, lon: 0, accuracyM: 5 },
      site,
      500,
    );
    expect(out.gps).toMatchObject({ source: 'exif', altitude: 12 });
    expect(out.distanceM).toBeLessThan(20);
    expect(out.farFromSite).toBe(false);
  });

  it('falls back to the device location with its accuracy', () => {
    const out = locatePhoto(exif(null), { lat: 39.96, lon: -75.1652, accuracyM: 30 }, site, 500);
    expect(out.gps).toEqual({ lat: 39.96, lon: -75.1652, accuracyM: 30, source: 'device' });
    expect(out.farFromSite).toBe(true);
  });

  it('has no location when neither is known, and no distance without a site', () => {
    expect(locatePhoto(null, null, site, 500)).toEqual({ gps: null, distanceM: null, farFromSite: false });
    expect(locatePhoto(exif({ lat: 1, lon: 1 }), null, null, 500).distanceM).toBeNull();
  });

  it('gives an inaccurate device fix the benefit of the doubt', () => {
    const out = locatePhoto(null, { lat: 39.96, lon: -75.1652, accuracyM: 1000 }, site, 500);
    expect(out.farFromSite).toBe(false);
  });
});
