/** A validated GPS fix: lat in [-90, 90], lon in [-180, 180], finite, never (0, 0). */
export interface GpsFix {
  lat: number;
  lon: number;
  /** Metres above sea level (negative below), or null when absent or implausible. */
  altitude: number | null;
}

/** What the pipeline keeps from a photo's EXIF; each field is null when absent or invalid. */
export interface ExifFacts {
  gps: GpsFix | null;
  /**
   * ISO 8601 capture time from DateTimeOriginal (+ OffsetTimeOriginal when present), else
   * CreateDate (+ OffsetTimeDigitized). Without an offset it is a local time with no zone.
   */
  takenAt: string | null;
  /** EXIF orientation 1..8. */
  orientation: number | null;
  make: string | null;
  model: string | null;
}

/** Outcome of `readExif`: the facts (null when there is no usable EXIF) and what it cost. */
export interface ExifReadResult {
  facts: ExifFacts | null;
  /** Ranged reads made (bytes already passed in as `head` are not counted). */
  requests: number;
  /** Bytes received from those reads. */
  bytes: number;
  /** Why facts are missing or partial (malformed container, budget, ignored values). */
  error?: string;
}
