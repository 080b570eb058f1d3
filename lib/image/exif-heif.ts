import { type BoxHeader, childBoxes, findTopLevelBox } from './bmff.ts';
import { findItemIdByType } from './bmff-iinf.ts';
import { findItemLocation, type ItemLocation } from './bmff-iloc.ts';
import { ExifFormatError } from './exif-errors.ts';
import type { ByteSource } from './range-reader-bounded.ts';

// Phone meta boxes are a few KiB (hundreds of grid tiles stay well under this).
const MAX_META_BYTES = 64 * 1024;
// IFD0, Exif and GPS sit at the start of the TIFF block; a longer item (an embedded
// thumbnail) is cut here and the cut-off tail is not needed.
const MAX_EXIF_ITEM_BYTES = 64 * 1024;

/**
 * The TIFF block of the `Exif` item of a HEIF/HEIC/AVIF file: `meta` → `iinf` (which item is
 * Exif) → `iloc` (where it is, base offset included) → the item, whose first 4 bytes give the
 * offset of the TIFF header. Null when the file declares no Exif item.
 */
export async function findHeifExif(source: ByteSource): Promise<Uint8Array | null> {
  const meta = await findTopLevelBox(source, 'meta');
  if (!meta) return null;
  if (meta.size > MAX_META_BYTES) {
    throw new ExifFormatError(
      `Expected a meta box of at most ${MAX_META_BYTES} bytes but received ${meta.size}`,
    );
  }
  const bytes = await source.bytes(meta.start, meta.size, 0);
  if (bytes.length < meta.size)
    throw new ExifFormatError(`Expected a ${meta.size}-byte meta box but the file ends`);
  // meta is a full box: version and flags precede its children.
  const children = childBoxes(bytes, meta.headerSize + 4, meta.size);
  const child = (type: string) => children.find((box) => box.type === type);
  const iinf = child('iinf');
  const itemId = iinf ? findItemIdByType(slice(bytes, iinf), iinf.headerSize, 'Exif') : null;
  if (itemId === null) return null;
  const iloc = child('iloc');
  const location = iloc ? findItemLocation(slice(bytes, iloc), iloc.headerSize, itemId) : null;
  if (!location) throw new ExifFormatError(`Expected an iloc entry for Exif item ${itemId}`);
  const idat = child('idat');
  const item = await readItem(source, location, idat ? slice(bytes, idat).subarray(idat.headerSize) : null);
  return tiffInExifItem(item);
}

/** Concatenates the item's extents, up to {@link MAX_EXIF_ITEM_BYTES}, after checking each fits. */
async function readItem(
  source: ByteSource,
  location: ItemLocation,
  idat: Uint8Array | null,
): Promise<Uint8Array> {
  const { constructionMethod: method, dataReferenceIndex, baseOffset, extents } = location;
  if (dataReferenceIndex !== 0) {
    throw new ExifFormatError(
      `Expected the Exif item in this file (data reference 0) but received ${dataReferenceIndex}`,
    );
  }
  if (method !== 0 && method !== 1) {
    throw new ExifFormatError(`Expected iloc construction method 0 or 1 but received ${method}`);
  }
  const container = method === 0 ? source.size : (idat?.length ?? 0);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const extent of extents) {
    const start = baseOffset + extent.offset;
    // Length 0 means "the rest of the container": legal, but never how Exif is stored.
    if (extent.length === 0 || start + extent.length > container) {
      throw new ExifFormatError(
        `Expected the Exif extent ${start}+${extent.length} inside the ${method === 0 ? 'file' : 'idat box'} of ${container} bytes`,
      );
    }
    const want = Math.min(extent.length, MAX_EXIF_ITEM_BYTES - total);
    if (want <= 0) break;
    const part =
      method === 0 ? await source.bytes(start, want, 0) : (idat as Uint8Array).subarray(start, start + want);
    parts.push(part);
    total += part.length;
  }
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}

/** An Exif item starts with a 32-bit offset from its 5th byte to the TIFF header (ISO/IEC 23008-12, ExifDataBlock). */
function tiffInExifItem(item: Uint8Array): Uint8Array {
  if (item.length < 4)
    throw new ExifFormatError(`Expected an Exif item of at least 4 bytes but received ${item.length}`);
  const skip = new DataView(item.buffer, item.byteOffset, item.byteLength).getUint32(0);
  const start = 4 + skip;
  if (start >= item.length) {
    throw new ExifFormatError(
      `Expected the TIFF header offset inside the ${item.length}-byte Exif item but received ${skip}`,
    );
  }
  return item.subarray(start);
}

function slice(bytes: Uint8Array, box: BoxHeader): Uint8Array {
  return bytes.subarray(box.start, box.start + box.size);
}
