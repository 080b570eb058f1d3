import { ExifFormatError } from './exif-errors.ts';
import type { ByteSource } from './range-reader-bounded.ts';

// VP8X flags byte (WebP container spec): Rsv Rsv ICC Alpha EXIF XMP Anim Rsv.
const VP8X_EXIF_FLAG = 0x08;
// A still WebP has a handful of chunks; the bound keeps a looping walk finite regardless.
const MAX_CHUNKS = 64;

/**
 * The payload of a WebP `EXIF` chunk, found by walking the RIFF chunks and hopping over
 * their payloads (the EXIF chunk usually follows the image data, so it sits near the end);
 * null when the file has none.
 */
export async function findWebpExif(source: ByteSource): Promise<Uint8Array | null> {
  const header = await source.bytes(0, 12);
  if (ascii(header, 0) !== 'RIFF' || ascii(header, 8) !== 'WEBP') {
    throw new ExifFormatError('Expected a RIFF header with form type WEBP');
  }
  // The RIFF size may lie; the file size is the hard limit.
  const riffEnd = Math.min(8 + view(header).getUint32(4, true), source.size);
  let offset = 12;
  for (let i = 0; i < MAX_CHUNKS && offset + 8 <= riffEnd; i += 1) {
    const chunk = await source.bytes(offset, 8);
    if (chunk.length < 8) return null;
    const id = ascii(chunk, 0);
    const size = view(chunk).getUint32(4, true);
    if (i === 0 && !(await mayHoldExif(source, id, offset, size))) return null;
    if (id === 'EXIF') {
      const payload = await source.bytes(offset + 8, size, 0);
      if (payload.length < size) {
        throw new ExifFormatError(
          `Expected a ${size}-byte EXIF chunk but the file ends after ${payload.length}`,
        );
      }
      return payload;
    }
    offset += 8 + size + (size % 2); // chunks are padded to an even size
  }
  return null;
}

/** Only the extended format (VP8X first) carries metadata, and its flags say whether EXIF is there. */
async function mayHoldExif(source: ByteSource, id: string, offset: number, size: number): Promise<boolean> {
  if (id !== 'VP8X') return false;
  if (size < 10) throw new ExifFormatError(`Expected a VP8X chunk of 10 bytes but received ${size}`);
  const flags = await source.bytes(offset + 8, 1);
  return ((flags[0] ?? 0) & VP8X_EXIF_FLAG) !== 0;
}

function ascii(bytes: Uint8Array, offset: number): string {
  return bytes.length >= offset + 4 ? String.fromCharCode(...bytes.subarray(offset, offset + 4)) : '';
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
