import { describe, expect, it } from 'vitest';
import { be, box, fullBox, iinf, iloc, infe } from '../../test/fixtures/bmff-boxes.ts';
import { childBoxes, findTopLevelBox, readBoxHeader } from './bmff.ts';
import { findItemIdByType } from './bmff-iinf.ts';
import { findItemLocation } from './bmff-iloc.ts';
import { ExifFormatError } from './exif-errors.ts';
import { bufferReader } from './range-reader.ts';
import { BoundedSource } from './range-reader-bounded.ts';

const sourceOf = (bytes: Uint8Array) =>
  new BoundedSource(bufferReader(bytes), bytes.length, {
    maxRequests: 3,
    maxBytes: 96 * 1024,
    readAhead: 4096,
  });

describe('readBoxHeader', () => {
  it('reads a 32-bit size, a 64-bit largesize (size 1) and a to-the-end size (size 0)', () => {
    expect(readBoxHeader(box('free', Buffer.alloc(4)), 0, 100)).toEqual({
      type: 'free',
      start: 0,
      size: 12,
      headerSize: 8,
    });
    const large = Buffer.concat([be(1, 4), Buffer.from('mdat'), be(40, 8)]);
    expect(readBoxHeader(large, 10, 100)).toMatchObject({ type: 'mdat', size: 40, headerSize: 16 });
    const toEnd = Buffer.concat([be(0, 4), Buffer.from('mdat')]);
    expect(readBoxHeader(toEnd, 10, 100)).toMatchObject({ size: 90, headerSize: 8 });
  });

  it('refuses sizes smaller than the header, past the container or beyond 2^53', () => {
    expect(() => readBoxHeader(Buffer.concat([be(4, 4), Buffer.from('free')]), 0, 100)).toThrow(
      ExifFormatError,
    );
    expect(() => readBoxHeader(box('free', Buffer.alloc(200)), 0, 100)).toThrow(/container end 100/);
    const huge = Buffer.concat([be(1, 4), Buffer.from('mdat'), Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0])]);
    expect(() => readBoxHeader(huge, 0, 100)).toThrow(/below 2\^53/);
  });
});

describe('childBoxes and findTopLevelBox', () => {
  it('lists children and finds a box after a largesize one', async () => {
    const free = Buffer.concat([be(1, 4), Buffer.from('free'), be(24, 8), Buffer.alloc(8)]);
    const file = Buffer.concat([box('ftyp', Buffer.from('heic')), free, fullBox('meta', 0)]);
    expect(childBoxes(file, 0, file.length).map((b) => b.type)).toEqual(['ftyp', 'free', 'meta']);
    expect(await findTopLevelBox(sourceOf(file), 'meta')).toMatchObject({ start: 36, size: 12 });
  });

  it('stops at a size-0 box, which runs to the end of the file', async () => {
    const file = Buffer.concat([
      box('ftyp', Buffer.from('heic')),
      be(0, 4),
      Buffer.from('mdat'),
      fullBox('meta', 0),
    ]);
    expect(await findTopLevelBox(sourceOf(file), 'meta')).toBeNull();
  });
});

describe('findItemIdByType', () => {
  it('finds the Exif item among version 2 and 3 entries and skips version 0 ones', () => {
    const v3 = fullBox('infe', 3, be(70_000, 4), be(0, 2), Buffer.from('Exif'), Buffer.from([0]));
    const v0 = fullBox('infe', 0, be(5, 2), be(0, 2), Buffer.from('Exif\0'));
    const bytes = iinf(v0, infe(1, 'hvc1'), v3);
    expect(findItemIdByType(bytes, 8, 'Exif')).toBe(70_000);
    expect(findItemIdByType(iinf(infe(1, 'hvc1')), 8, 'Exif')).toBeNull();
  });

  it('does not trust entry_count', () => {
    const lying = fullBox('iinf', 0, be(65_535, 2), infe(9, 'Exif'));
    expect(findItemIdByType(lying, 8, 'Exif')).toBe(9);
  });
});

describe('findItemLocation', () => {
  const items = [
    { id: 1, baseOffset: 100, extents: [{ offset: 0, length: 5000 }] },
    { id: 2, baseOffset: 100, extents: [{ offset: 5000, length: 300 }] },
  ];

  it.each([0, 1, 2] as const)('reads iloc version %i', (version) => {
    const bytes = iloc(version, { offset: 4, length: 4, baseOffset: 4, index: version ? 4 : 0 }, items);
    expect(findItemLocation(bytes, 8, 2)).toEqual({
      itemId: 2,
      constructionMethod: 0,
      dataReferenceIndex: 0,
      baseOffset: 100,
      extents: [{ offset: 5000, length: 300 }],
    });
  });

  it('reads 8-byte fields, absent (0-byte) fields and construction method 1', () => {
    const eight = iloc(1, { offset: 8, length: 8, baseOffset: 8 }, items);
    expect(findItemLocation(eight, 8, 2)?.extents).toEqual([{ offset: 5000, length: 300 }]);
    const none = iloc(1, { offset: 0, length: 4, baseOffset: 0 }, [
      { id: 2, method: 1, baseOffset: 0, extents: [{ offset: 0, length: 30 }] },
    ]);
    expect(findItemLocation(none, 8, 2)).toMatchObject({
      constructionMethod: 1,
      extents: [{ offset: 0, length: 30 }],
    });
  });

  it('returns null for an unlisted item and refuses malformed boxes', () => {
    const bytes = iloc(0, { offset: 4, length: 4, baseOffset: 4 }, items);
    expect(findItemLocation(bytes, 8, 7)).toBeNull();
    expect(() => findItemLocation(bytes.subarray(0, bytes.length - 3), 8, 2)).toThrow(ExifFormatError);
    expect(() => findItemLocation(fullBox('iloc', 3, Buffer.alloc(8)), 8, 2)).toThrow(/version 0, 1 or 2/);
    expect(() => findItemLocation(fullBox('iloc', 0, Buffer.from([0x24, 0x00]), be(0, 2)), 8, 2)).toThrow(
      'Expected iloc offsetSize of 0, 4 or 8 but received 2',
    );
  });

  it('skips items with huge zero-size extent counts arithmetically and bounds the wanted one', () => {
    // Six bytes per item, each claiming 65535 extents of zero bytes: walked one by one, 131M steps.
    const entries = Array.from({ length: 2000 }, (_, i) =>
      Buffer.concat([be(i + 10, 2), be(0, 2), be(65_535, 2)]),
    );
    const sizes = Buffer.from([0x00, 0x00]);
    const bytes = fullBox('iloc', 0, sizes, be(2001, 2), ...entries, be(2, 2), be(0, 2), be(65_535, 2));
    const started = performance.now();
    expect(() => findItemLocation(bytes, 8, 2)).toThrow(
      /Expected 1 to 16 extents for item 2 but received 65535/,
    );
    expect(performance.now() - started).toBeLessThan(100);
  });
});
