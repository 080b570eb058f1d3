import exifr from 'exifr';
import { ExifFormatError } from './exif-errors.ts';
import { type FactsOutcome, toFacts } from './exif-facts.ts';

/**
 * exifr options for a bare TIFF block: only IFD0, Exif and GPS, only the tags we keep
 * (pick lets exifr stop scanning an IFD once they are found), no XMP/ICC/IPTC/JFIF/IHDR,
 * no thumbnail IFD, no maker notes. Values stay raw: `reviveValues` would turn dates into
 * `Date`s in the Lambda's own time zone and `translateValues` orientation into prose.
 * Created once because exifr caches parsed options by object identity.
 */
const EXIFR_OPTIONS = {
  tiff: true,
  ifd0: { pick: ['Make', 'Model', 'Orientation'] },
  exif: { pick: ['DateTimeOriginal', 'OffsetTimeOriginal', 'CreateDate', 'OffsetTimeDigitized'] },
  gps: {
    pick: [
      'GPSLatitudeRef',
      'GPSLatitude',
      'GPSLongitudeRef',
      'GPSLongitude',
      'GPSAltitudeRef',
      'GPSAltitude',
    ],
  },
  ifd1: false,
  interop: false,
  makerNote: false,
  userComment: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  translateKeys: true,
  translateValues: false,
  reviveValues: false,
  sanitize: true,
  mergeOutput: true,
  // A broken GPS IFD must not cost us the orientation: exifr records the error and goes on.
  silentErrors: true,
};

const EXIF_IDENTIFIER = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]; // "Exif\0\0"

/**
 * Parses an EXIF TIFF block (with or without the `Exif\0\0` identifier in front, as JPEG
 * APP1, WebP and some HEIF writers put it) into facts. Throws {@link ExifFormatError} when
 * it is not a TIFF block or exifr cannot read its first IFD.
 */
export async function parseTiffBlock(block: Uint8Array): Promise<FactsOutcome> {
  const tiff = startsWith(block, EXIF_IDENTIFIER) ? block.subarray(EXIF_IDENTIFIER.length) : block;
  if (!isTiffHeader(tiff)) {
    const head = Array.from(tiff.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ExifFormatError(
      `Expected a TIFF header (49 49 2a 00 or 4d 4d 00 2a) but received ${head || 'nothing'}`,
    );
  }
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await exifr.parse(tiff, EXIFR_OPTIONS);
  } catch (cause) {
    throw new ExifFormatError(`Expected a readable TIFF block but exifr failed: ${message(cause)}`, {
      cause,
    });
  }
  const outcome = toFacts(raw ?? {});
  const errors = Array.isArray(raw?.errors) ? raw.errors : [];
  return {
    facts: outcome.facts,
    problems: [...errors.map((e) => `exifr: ${message(e)}`), ...outcome.problems],
  };
}

function isTiffHeader(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 8 &&
    ((bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 0x2a && bytes[3] === 0x00) ||
      (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0x00 && bytes[3] === 0x2a))
  );
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** exifr's messages span lines; a log line should not. */
function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
}
