import { describe, expect, it } from 'vitest';
import type { Photo } from '../repo/photo.ts';
import { siteFromPhotos } from './site-location.ts';

const photo = (id: string, extra: Partial<Photo>): Photo =>
  ({ photoId: id.padEnd(26, '0'), status: 'ready', deviceGps: null, ...extra }) as Photo;

describe('siteFromPhotos', () => {
  it('prefers an EXIF position over an earlier device fix', () => {
    const site = siteFromPhotos([
      photo('01A', { gps: { lat: 1, lon: 2, source: 'device', accuracyM: 30 } }),
      photo('01B', { gps: { lat: 39.9, lon: -75.1, source: 'exif' } }),
    ]);
    expect(site).toEqual({ lat: 39.9, lon: -75.1, source: 'exif', photo_id: '01B'.padEnd(26, '0') });
  });

  it('falls back to a device fix, even of a photo still pending, and ignores rejected photos', () => {
    const site = siteFromPhotos([
      photo('01A', { status: 'rejected', gps: { lat: 5, lon: 5, source: 'exif' } }),
      photo('01B', { status: 'pending', deviceGps: { lat: 40, lon: -75, accuracyM: 12 } }),
    ]);
    expect(site).toMatchObject({ lat: 40, lon: -75, source: 'device', accuracy_m: 12 });
  });

  it('is null without any position', () => {
    expect(siteFromPhotos([photo('01A', {})])).toBeNull();
  });
});
