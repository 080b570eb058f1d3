// Test fixtures only: hand-built ISO-BMFF boxes (ISO/IEC 14496-12) for HEIF files.

/** Big-endian unsigned integer of 0, 2, 4 or 8 bytes. */
export function be(value: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  if (size === 2) out.writeUInt16BE(value);
  if (size === 4) out.writeUInt32BE(value);
  if (size === 8) out.writeBigUInt64BE(BigInt(value));
  return out;
}

/** A plain box: 32-bit size, type, payload. */
export function box(type: string, ...payload: Uint8Array[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([be(8 + body.length, 4), Buffer.from(type, 'latin1'), body]);
}

/** A full box: version and flags before the payload. */
export function fullBox(type: string, version: number, ...payload: Uint8Array[]): Buffer {
  return box(type, Buffer.from([version, 0, 0, 0]), ...payload);
}

/** An `ftyp` box with a major brand and compatible brands. */
export function ftyp(major: string, compatible: string[]): Buffer {
  return box('ftyp', Buffer.from(major, 'latin1'), be(0, 4), Buffer.from(compatible.join(''), 'latin1'));
}

/** An `infe` (version 2) declaring `id` of `type`, with an empty name. */
export function infe(id: number, type: string): Buffer {
  return fullBox('infe', 2, be(id, 2), be(0, 2), Buffer.from(type, 'latin1'), Buffer.from([0]));
}

/** An `iinf` (version 0) holding `infe` boxes. */
export function iinf(...entries: Buffer[]): Buffer {
  return fullBox('iinf', 0, be(entries.length, 2), ...entries);
}

/** One `iloc` entry. */
export interface IlocItem {
  id: number;
  method?: number;
  baseOffset: number;
  extents: { offset: number; length: number }[];
}

/** An `iloc` box of any version with the given field sizes (0, 4 or 8 bytes each). */
export function iloc(
  version: 0 | 1 | 2,
  sizes: { offset: number; length: number; baseOffset: number; index?: number },
  items: IlocItem[],
): Buffer {
  const index = version === 0 ? 0 : (sizes.index ?? 0);
  const parts: Buffer[] = [
    Buffer.from([(sizes.offset << 4) | sizes.length, (sizes.baseOffset << 4) | index]),
    be(items.length, version < 2 ? 2 : 4),
  ];
  for (const item of items) {
    parts.push(be(item.id, version < 2 ? 2 : 4));
    if (version > 0) parts.push(be(item.method ?? 0, 2));
    parts.push(be(0, 2), be(item.baseOffset, sizes.baseOffset), be(item.extents.length, 2));
    for (const extent of item.extents) {
      parts.push(be(1, index), be(extent.offset, sizes.offset), be(extent.length, sizes.length));
    }
  }
  return fullBox('iloc', version, ...parts);
}

/** An Exif item payload: a 32-bit offset to the TIFF header, then the TIFF block. */
export function exifItem(tiff: Uint8Array, withIdentifier = false): Buffer {
  return withIdentifier
    ? Buffer.concat([be(6, 4), Buffer.from('Exif\0\0', 'latin1'), tiff])
    : Buffer.concat([be(0, 4), tiff]);
}

/**
 * A HEIC file: ftyp `heic` + `mif1`, a meta box whose iloc (version 1, 4-byte base offset)
 * locates the Exif item relative to a non-zero base offset, then an mdat with `imageBytes`
 * of filler before the Exif item, so the item sits at the end of the file.
 */
export function heicWithExif(tiff: Uint8Array, imageBytes = 1024, ilocVersion: 0 | 1 | 2 = 1): Buffer {
  const head = ftyp('heic', ['mif1', 'heic']);
  const item = exifItem(tiff, true);
  const filler = Buffer.alloc(imageBytes, 0x5a);
  const build = (mdatStart: number) =>
    fullBox(
      'meta',
      0,
      fullBox('hdlr', 0, be(0, 4), Buffer.from('pict'), Buffer.alloc(13)),
      fullBox('pitm', 0, be(1, 2)),
      iinf(infe(1, 'hvc1'), infe(2, 'Exif')),
      iloc(ilocVersion, { offset: 4, length: 4, baseOffset: 4 }, [
        { id: 1, baseOffset: mdatStart + 8, extents: [{ offset: 0, length: filler.length }] },
        { id: 2, baseOffset: mdatStart + 8, extents: [{ offset: filler.length, length: item.length }] },
      ]),
    );
  const mdatStart = head.length + build(0).length;
  return Buffer.concat([head, build(mdatStart), box('mdat', filler, item)]);
}
