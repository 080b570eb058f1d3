import type { ExifFacts, GpsFix } from './exif-types.ts';

/** The EXIF facts plus one line per value that was present but ignored. */
export interface FactsOutcome {
  facts: ExifFacts;
  problems: string[];
}

const MAX_TEXT = 128;
// Beyond 100 km above or below sea level an altitude is noise, not a place.
const MAX_ALTITUDE_M = 100_000;

/**
 * Turns exifr's merged output (raw values: `translateValues` and `reviveValues` off) into
 * validated {@link ExifFacts}. Pure; never throws on odd input.
 */
export function toFacts(raw: Record<string, unknown>): FactsOutcome {
  const problems: string[] = [];
  const gps = toGps(raw, problems);
  const takenAt =
    isoDate(raw.DateTimeOriginal, raw.OffsetTimeOriginal) ?? isoDate(raw.CreateDate, raw.OffsetTimeDigitized);
  const orientation = Number.isInteger(raw.Orientation) ? (raw.Orientation as number) : null;
  return {
    facts: {
      gps,
      takenAt,
      orientation: orientation !== null && orientation >= 1 && orientation <= 8 ? orientation : null,
      make: text(raw.Make),
      model: text(raw.Model),
    },
    problems,
  };
}

function toGps(raw: Record<string, unknown>, problems: string[]): GpsFix | null {
  if (raw.GPSLatitude === undefined && raw.GPSLongitude === undefined) return null;
  const lat = degrees(raw.GPSLatitude, raw.GPSLatitudeRef, 'N', 'S');
  const lon = degrees(raw.GPSLongitude, raw.GPSLongitudeRef, 'E', 'W');
  const problem =
    lat === null || lat < -90 || lat > 90
      ? `expected latitude in [-90, 90] but received ${show(raw.GPSLatitude)} ${show(raw.GPSLatitudeRef)}`
      : lon === null || lon < -180 || lon > 180
        ? `expected longitude in [-180, 180] but received ${show(raw.GPSLongitude)} ${show(raw.GPSLongitudeRef)}`
        : Math.abs(lat) < 1e-7 && Math.abs(lon) < 1e-7
          ? 'expected a position but received (0, 0), the null island of unset receivers'
          : null;
  if (problem !== null || lat === null || lon === null) {
    problems.push(`GPS ignored: ${problem}`);
    return null;
  }
  return { lat, lon, altitude: altitude(raw.GPSAltitude, raw.GPSAltitudeRef) };
}

/** Degrees from 1 to 3 rational parts (d, m, s) and a hemisphere reference; null when malformed. */
function degrees(value: unknown, ref: unknown, positive: string, negative: string): number | null {
  const parts = numbers(value);
  if (parts === null || parts.length < 1 || parts.length > 3) return null;
  const [d = 0, m = 0, s = 0] = parts;
  if (parts.some((p) => !Number.isFinite(p) || p < 0) || m >= 60 || s >= 60) return null;
  const hemisphere = typeof ref === 'string' ? ref.trim().toUpperCase() : '';
  // A missing reference is read as N/E, as exifr and most readers do; anything else is garbage.
  if (hemisphere !== '' && hemisphere !== positive && hemisphere !== negative) return null;
  const dd = d + m / 60 + s / 3600;
  return hemisphere === negative ? -dd : dd;
}

function altitude(value: unknown, ref: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_ALTITUDE_M) return null;
  // GPSAltitudeRef is a BYTE, which exifr hands over as a one-element Uint8Array.
  const below = (numbers(ref)?.[0] ?? 0) === 1;
  return below ? -value : value;
}

const DATE = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/** `YYYY:MM:DD HH:MM:SS` (+ `±HH:MM`) as ISO 8601; null for placeholders such as 0000:00:00. */
function isoDate(value: unknown, offset: unknown): string | null {
  const match = typeof value === 'string' ? DATE.exec(value.trim()) : null;
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid =
    year >= 1900 &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  if (!valid) return null;
  const local = date.toISOString().slice(0, 19);
  return local + (zone(offset) ?? '');
}

function zone(offset: unknown): string | null {
  const match = typeof offset === 'string' ? OFFSET.exec(offset.trim()) : null;
  if (!match) return null;
  const hours = Number(match[2]);
  const minutes = Number(match[3]);
  return hours <= 14 && minutes < 60 ? `${match[1]}${match[2]}:${match[3]}` : null;
}

function numbers(value: unknown): number[] | null {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const list = Array.from(value as ArrayLike<unknown>);
    return list.every((v) => typeof v === 'number') ? (list as number[]) : null;
  }
  return null;
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // Control characters (NUL padding, escapes) have no place in a device name shown to people.
  const clean = value.replace(/\p{Cc}/gu, '').trim();
  return clean === '' ? null : clean.slice(0, MAX_TEXT);
}

function show(value: unknown): string {
  const list = numbers(value);
  if (list) return list.map((n) => Number(n.toFixed(6))).join(' ');
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
