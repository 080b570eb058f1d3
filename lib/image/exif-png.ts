import { ExifFormatError } from './exif-errors.ts';
import type { ByteSource } from './range-reader-bounded.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// PNG caps chunk lengths at 2^31 - 1 (PNG §5.3).
const MAX_CHUNK = 0x7fffffff;
const MAX_CHUNKS = 1024;

/**
 * The payload of the `eXIf` chunk (a TIFF block), found by walking chunks up to the image
 * data; null when there is none. libpng may also write eXIf after IDAT: that copy is not
 * looked for, since reaching it would mean reading through the whole image.
 */
export async function findPngExif(source: ByteSource): Promise<Uint8Array | null> {
  const signature = await source.bytes(0, SIGNATURE.length);
  if (!SIGNATURE.every((b, i) => signature[i] === b)) throw new ExifFormatError('Expected the PNG signature');
  let offset = SIGNATURE.length;
  for (let i = 0; i < MAX_CHUNKS; i += 1) {
    const header = await source.bytes(offset, 8);
    if (header.length < 8) return null;
    const length = new DataView(header.buffer, header.byteOffset, 8).getUint32(0);
    const type = String.fromCharCode(...header.subarray(4, 8));
    if (length > MAX_CHUNK)
      throw new ExifFormatError(`Expected a PNG chunk length below 2^31 but received ${length}`);
    if (type === 'IDAT' || type === 'IEND') return null;
    if (type === 'eXIf') {
      const payload = await source.bytes(offset + 8, length, 0);
      if (payload.length < length) {
        throw new ExifFormatError(
          `Expected a ${length}-byte eXIf chunk but the file ends after ${payload.length}`,
        );
      }
      return payload;
    }
    offset += 12 + length; // length, type, data, CRC
  }
  throw new ExifFormatError(`Expected image data within ${MAX_CHUNKS} PNG chunks`);
}
