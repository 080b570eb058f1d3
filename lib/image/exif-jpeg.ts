import { ExifFormatError } from './exif-errors.ts';
import type { ByteSource } from './range-reader-bounded.ts';

const SOS = 0xda; // start of scan: metadata segments all come before it
const EOI = 0xd9;
const APP1 = 0xe1;
const EXIF_IDENTIFIER = 'Exif\0\0';
// Markers without a length field (ITU T.81 B.1.1.3): TEM and RST0..RST7.
const isStandalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
// A JPEG header rarely has more than a dozen segments; the bound stops fill-byte floods.
const MAX_STEPS = 256;

/**
 * The payload of the APP1 `Exif` segment (starting with `Exif\0\0`), found by walking the
 * marker segments from SOI up to the first scan; null when there is none.
 */
export async function findJpegExif(source: ByteSource): Promise<Uint8Array | null> {
  const soi = await source.bytes(0, 2);
  if (soi[0] !== 0xff || soi[1] !== 0xd8) throw new ExifFormatError('Expected a JPEG SOI marker (ff d8)');
  let offset = 2;
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const header = await source.bytes(offset, 4);
    if (header.length < 2) return null;
    if (header[0] !== 0xff) {
      throw new ExifFormatError(`Expected a JPEG marker at offset ${offset} but received byte ${header[0]}`);
    }
    const marker = header[1] as number;
    if (marker === 0xff) {
      offset += 1; // fill byte before a marker (T.81 B.1.1.2)
      continue;
    }
    if (marker === SOS || marker === EOI) return null;
    if (isStandalone(marker)) {
      offset += 2;
      continue;
    }
    if (header.length < 4) throw new ExifFormatError(`Expected a segment length at offset ${offset + 2}`);
    const length = ((header[2] as number) << 8) | (header[3] as number); // includes its own 2 bytes
    if (length < 2)
      throw new ExifFormatError(`Expected a segment length of at least 2 but received ${length}`);
    if (marker === APP1 && (await isExifSegment(source, offset + 4, length - 2))) {
      const payload = await source.bytes(offset + 4, length - 2, 0);
      if (payload.length < length - 2) {
        throw new ExifFormatError(
          `Expected a ${length - 2}-byte APP1 segment but the file ends after ${payload.length} bytes of it`,
        );
      }
      return payload;
    }
    offset += 2 + length;
  }
  throw new ExifFormatError(`Expected the first scan within ${MAX_STEPS} JPEG segments`);
}

/** XMP also lives in APP1; only the `Exif\0\0` identifier marks the TIFF block. */
async function isExifSegment(source: ByteSource, start: number, length: number): Promise<boolean> {
  if (length < EXIF_IDENTIFIER.length) return false;
  const id = await source.bytes(start, EXIF_IDENTIFIER.length);
  return String.fromCharCode(...id) === EXIF_IDENTIFIER;
}
