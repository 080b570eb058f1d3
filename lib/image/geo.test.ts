import { describe, expect, it } from 'vitest';
import { distanceMeters, EARTH_RADIUS_M } from './geo.ts';

describe('distanceMeters', () => {
  it('measures Philadelphia City Hall to the Liberty Bell (about 1.18 km)', () => {
    // 39°57′8″N 75°9′49″W and 39°56′58″N 75°9′1″W
    const cityHall = { lat: 39.95222, lon: -75.16361 };
    const libertyBell = { lat: 39.94944, lon: -75.15028 };
    const d = distanceMeters(cityHall, libertyBell);
    expect(d).toBeGreaterThan(1180 * 0.95);
    expect(d).toBeLessThan(1180 * 1.05);
  });

  it('gives a degree of latitude and half the globe exactly on the sphere', () => {
    expect(distanceMeters({ lat: 0, lon: 10 }, { lat: 1, lon: 10 })).toBeCloseTo(
      (Math.PI * EARTH_RADIUS_M) / 180,
      6,
    );
    expect(distanceMeters({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * EARTH_RADIUS_M, 3);
  });

  it('is zero for the same point and symmetric', () => {
    const a = { lat: 51.5, lon: -0.12 };
    const b = { lat: 48.85, lon: 2.35 };
    expect(distanceMeters(a, a)).toBe(0);
    expect(distanceMeters(a, b)).toBeCloseTo(distanceMeters(b, a), 9);
  });

  it('refuses coordinates that are not on Earth', () => {
    expect(() => distanceMeters({ lat: 95, lon: 0 }, { lat: 0, lon: 0 })).toThrow(
      'Expected a latitude in [-90, 90] for a.lat but received 95',
    );
    expect(() => distanceMeters({ lat: 0, lon: 0 }, { lat: 0, lon: Number.NaN })).toThrow(
      /b\.lon but received NaN/,
    );
  });
});
