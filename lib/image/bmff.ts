import { ByteCursor } from './bmff-cursor.ts';
import { ExifFormatError } from './exif-errors.ts';
import type { ByteSource } from './range-reader-bounded.ts';

/** Where a box sits: `start` of its header, total `size`, and `headerSize` before its payload. */
export interface BoxHeader {
  type: string;
  start: number;
  size: number;
  headerSize: number;
}

/** Largest header: 32-bit size, type, 64-bit largesize, 16-byte uuid. */
export const MAX_BOX_HEADER = 32;

// Top-level boxes of a still image are few (ftyp, meta, mdat, free…); more means garbage.
const MAX_TOP_LEVEL_BOXES = 64;

/**
 * Parses the box header found at `bytes[0]`, a box that starts at file or parent offset
 * `start` inside a container ending at `containerEnd` (ISO/IEC 14496-12 §4.2).
 */
export function readBoxHeader(bytes: Uint8Array, start: number, containerEnd: number): BoxHeader {
  const cursor = new ByteCursor(bytes);
  const size32 = cursor.uint(4);
  const type = cursor.fourcc();
  // size 1: a 64-bit largesize follows; size 0: the box runs to the end of its container.
  const size = size32 === 1 ? cursor.uint(8) : size32 === 0 ? containerEnd - start : size32;
  if (type === 'uuid') cursor.skip(16);
  const headerSize = cursor.offset;
  if (size < headerSize || start + size > containerEnd) {
    throw new ExifFormatError(
      `Expected box '${printable(type)}' at ${start} to fit between ${headerSize} bytes and its container end ${containerEnd} but its size is ${size}`,
    );
  }
  return { type, start, size, headerSize };
}

/** The child boxes laid out in `bytes[start, end)`; stops with an error on the first that does not fit. */
export function childBoxes(bytes: Uint8Array, start: number, end: number): BoxHeader[] {
  const boxes: BoxHeader[] = [];
  let offset = start;
  // Every box is at least 8 bytes, so this loop runs at most (end - start) / 8 times.
  while (offset + 8 <= end) {
    const box = readBoxHeader(bytes.subarray(offset, Math.min(offset + MAX_BOX_HEADER, end)), offset, end);
    boxes.push(box);
    offset += box.size;
  }
  return boxes;
}

/** Walks the top-level boxes of a file, hopping over payloads, and returns the first of `type`. */
export async function findTopLevelBox(source: ByteSource, type: string): Promise<BoxHeader | null> {
  let offset = 0;
  for (let i = 0; i < MAX_TOP_LEVEL_BOXES && offset + 8 <= source.size; i += 1) {
    const box = readBoxHeader(await source.bytes(offset, MAX_BOX_HEADER), offset, source.size);
    if (box.type === type) return box;
    offset += box.size;
  }
  return null;
}

/** A four-character code made safe for an error message. */
export function printable(fourcc: string): string {
  return fourcc.replace(/[^\x20-\x7e]/g, '?');
}
