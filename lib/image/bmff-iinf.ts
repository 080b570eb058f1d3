import { childBoxes } from './bmff.ts';
import { ByteCursor } from './bmff-cursor.ts';

/**
 * The id of the first item of `itemType` (e.g. `Exif`) declared in an `iinf` box
 * (ISO/IEC 14496-12 §8.11.6), or null. `box` is the whole `iinf` box, header included.
 */
export function findItemIdByType(box: Uint8Array, headerSize: number, itemType: string): number | null {
  const cursor = new ByteCursor(box, headerSize);
  const version = cursor.uint(1);
  cursor.skip(3);
  // entry_count is not trusted: the child boxes themselves, bounded by the box, are walked.
  cursor.skip(version === 0 ? 2 : 4);
  for (const infe of childBoxes(box, cursor.offset, box.length)) {
    if (infe.type !== 'infe') continue;
    const id = readInfe(new ByteCursor(box, infe.start + infe.headerSize, infe.start + infe.size), itemType);
    if (id !== null) return id;
  }
  return null;
}

/** The item id of an `infe` box when its item_type matches; versions 0 and 1 carry no item_type. */
function readInfe(cursor: ByteCursor, itemType: string): number | null {
  const version = cursor.uint(1);
  cursor.skip(3);
  if (version < 2) return null;
  const id = cursor.uint(version === 2 ? 2 : 4);
  cursor.skip(2); // item_protection_index
  return cursor.fourcc() === itemType ? id : null;
}
