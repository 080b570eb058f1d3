import { describe, expect, it } from 'vitest';
import { toFacts } from './exif-facts.ts';

const gps = {
  GPSLatitudeRef: 'S',
  GPSLatitude: [33, 52, 4.8],
  GPSLongitudeRef: 'E',
  GPSLongitude: [151, 12, 36],
  GPSAltitudeRef: Uint8Array.of(1),
  GPSAltitude: 3.5,
};

describe('toFacts', () => {
  it('turns raw exifr values into facts', () => {
    const { facts, problems } = toFacts({
      ...gps,
      Make: 'Google\0\0',
      Model: '  Pixel 8 ',
      Orientation: 6,
      DateTimeOriginal: '2024:02:29 23:59:58',
      OffsetTimeOriginal: '+11:00',
    });
    expect(problems).toEqual([]);
    expect(facts).toEqual({
      gps: { lat: -(33 + 52 / 60 + 4.8 / 3600), lon: 151 + 12 / 60 + 36 / 3600, altitude: -3.5 },
      takenAt: '2024-02-29T23:59:58+11:00',
      orientation: 6,
      make: 'Google',
      model: 'Pixel 8',
    });
  });

  it('falls back to CreateDate and leaves the zone out when no offset is recorded', () => {
    expect(toFacts({ CreateDate: '2023:07:04 09:00:00' }).facts.takenAt).toBe('2023-07-04T09:00:00');
    expect(
      toFacts({ DateTimeOriginal: '0000:00:00 00:00:00', CreateDate: '2023:07:04 09:00:00' }).facts.takenAt,
    ).toBe('2023-07-04T09:00:00');
    expect(toFacts({ DateTimeOriginal: '2023:02:30 09:00:00' }).facts.takenAt).toBeNull();
    expect(
      toFacts({ DateTimeOriginal: '2023:07:04 09:00:00', OffsetTimeOriginal: '+99:00' }).facts.takenAt,
    ).toBe('2023-07-04T09:00:00');
  });

  it.each([
    ['latitude 95', { GPSLatitude: [95, 0, 0] }, /latitude in \[-90, 90\] but received 95 0 0 "S"/],
    ['longitude 181', { GPSLongitude: [181, 0, 0] }, /longitude in \[-180, 180\]/],
    ['a zero denominator', { GPSLatitude: [Number.NaN, 0, 0] }, /latitude/],
    ['minutes of 75', { GPSLongitude: [75, 75, 0] }, /longitude/],
    ['an unknown hemisphere', { GPSLatitudeRef: 'X' }, /latitude/],
    ['a missing longitude', { GPSLongitude: undefined }, /longitude/],
    ['null island', { GPSLatitude: [0, 0, 0], GPSLongitude: [0, 0, 0] }, /null island/],
  ])('ignores GPS with %s', (_name, override, problem) => {
    const { facts, problems } = toFacts({ ...gps, ...override });
    expect(facts.gps).toBeNull();
    expect(problems.join()).toMatch(problem);
  });

  it('keeps a position without altitude and drops an implausible altitude', () => {
    expect(toFacts({ ...gps, GPSAltitude: undefined }).facts.gps?.altitude).toBeNull();
    expect(toFacts({ ...gps, GPSAltitude: 1e9 }).facts.gps?.altitude).toBeNull();
  });

  it('gives nulls for missing, out-of-range or mistyped values', () => {
    expect(toFacts({ Orientation: 9, Make: '', Model: 42 }).facts).toEqual({
      gps: null,
      takenAt: null,
      orientation: null,
      make: null,
      model: null,
    });
  });
});
