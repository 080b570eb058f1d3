/** A point on Earth in decimal degrees. */
export interface LatLon {
  lat: number;
  lon: number;
}

/** Mean Earth radius (IUGG R1), the usual choice for haversine distances. */
export const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres between two points (haversine, spherical Earth: error < 0.5 %). */
export function distanceMeters(a: LatLon, b: LatLon): number {
  check(a, 'a');
  check(b, 'b');
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  // min() guards asin against rounding just above 1 for antipodal points.
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

function check(point: LatLon, name: string): void {
  if (!Number.isFinite(point.lat) || point.lat < -90 || point.lat > 90) {
    throw new RangeError(`Expected a latitude in [-90, 90] for ${name}.lat but received ${point.lat}`);
  }
  if (!Number.isFinite(point.lon) || point.lon < -180 || point.lon > 180) {
    throw new RangeError(`Expected a longitude in [-180, 180] for ${name}.lon but received ${point.lon}`);
  }
}
