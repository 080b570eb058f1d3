import { ByteCursor } from './bmff-cursor.ts';
import { ExifFormatError } from './exif-errors.ts';

/** One extent of an item: `offset` from the item's data origin plus base offset, `length` bytes. */
export interface ItemExtent {
  offset: number;
  length: number;
}

/** Where an item's bytes live, as declared by `iloc`. */
export interface ItemLocation {
  itemId: number;
  /** 0: file offsets; 1: offsets into the `idat` box; 2: item references (unsupported here). */
  constructionMethod: number;
  dataReferenceIndex: number;
  baseOffset: number;
  extents: ItemExtent[];
}

// An Exif item is one extent in practice; a few more are tolerated, thousands are an attack.
const MAX_EXTENTS = 16;
const FIELD_SIZES = new Set([0, 4, 8]);

/**
 * The location of `itemId` in an `iloc` box (ISO/IEC 14496-12 §8.11.3, versions 0, 1 and 2),
 * or null when the box does not list it. `box` is the whole box, header included.
 */
export function findItemLocation(box: Uint8Array, headerSize: number, itemId: number): ItemLocation | null {
  const cursor = new ByteCursor(box, headerSize);
  const version = cursor.uint(1);
  cursor.skip(3);
  if (version > 2) throw new ExifFormatError(`Expected iloc version 0, 1 or 2 but received ${version}`);
  const sizes = cursor.uint(1);
  const sizes2 = cursor.uint(1);
  const offsetSize = sizes >> 4;
  const lengthSize = sizes & 0x0f;
  const baseOffsetSize = sizes2 >> 4;
  const indexSize = version === 0 ? 0 : sizes2 & 0x0f;
  for (const [name, size] of Object.entries({ offsetSize, lengthSize, baseOffsetSize, indexSize })) {
    if (!FIELD_SIZES.has(size))
      throw new ExifFormatError(`Expected iloc ${name} of 0, 4 or 8 but received ${size}`);
  }
  const itemCount = cursor.uint(version < 2 ? 2 : 4);
  // Each entry takes at least 6 bytes, so the cursor's bounds end this loop on a lying item_count.
  for (let i = 0; i < itemCount; i += 1) {
    const id = cursor.uint(version < 2 ? 2 : 4);
    const constructionMethod = version === 0 ? 0 : cursor.uint(2) & 0x0f;
    const dataReferenceIndex = cursor.uint(2);
    const baseOffset = cursor.uint(baseOffsetSize);
    const extentCount = cursor.uint(2);
    const extentSize = indexSize + offsetSize + lengthSize;
    if (id !== itemId) {
      // Skipped arithmetically: zero-size extents would otherwise loop 65535 times per item.
      cursor.skip(extentCount * extentSize);
      continue;
    }
    if (extentCount === 0 || extentCount > MAX_EXTENTS) {
      throw new ExifFormatError(
        `Expected 1 to ${MAX_EXTENTS} extents for item ${id} but received ${extentCount}`,
      );
    }
    const extents: ItemExtent[] = [];
    for (let e = 0; e < extentCount; e += 1) {
      cursor.skip(indexSize);
      extents.push({ offset: cursor.uint(offsetSize), length: cursor.uint(lengthSize) });
    }
    return { itemId: id, constructionMethod, dataReferenceIndex, baseOffset, extents };
  }
  return null;
}
