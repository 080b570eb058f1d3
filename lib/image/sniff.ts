/** Image types recognised from their magic bytes. */
export type SniffedType =
  | 'image/jpeg'
  | 'image/png'
  | 'image/webp'
  | 'image/heic'
  | 'image/heif'
  | 'image/avif';

/** Head bytes {@link sniffImageType} looks at; an `ftyp` box with a dozen brands fits. */
export const SNIFF_BYTES = 64;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

// ISO-BMFF brands (ISO/IEC 23008-12 Annex B, AV1-ISOBMFF §7), by the type they mean.
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis']);
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIF_BRANDS = new Set(['mif1', 'msf1', 'heif']);

/** The image type announced by the first bytes of a file, or null when it is not one we know. */
export function sniffImageType(head: Uint8Array): SniffedType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, PNG_SIGNATURE)) return 'image/png';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return 'image/webp';
  if (ascii(head, 4, 4) === 'ftyp') return brandType(ftypBrands(head));
  return null;
}

/**
 * Whether a declared Content-Type matches the sniffed type. HEIC and HEIF are interchangeable
 * because iPhones write major brand `heic` with compatible `mif1` and uploaders label either way.
 */
export function isDeclaredTypeCompatible(declared: string, sniffed: SniffedType): boolean {
  // Media types are case-insensitive and may carry parameters (RFC 9110 §8.3.1).
  const type = (declared.split(';')[0] ?? '').trim().toLowerCase();
  if (type === sniffed) return true;
  const heifFamily = new Set(['image/heic', 'image/heif']);
  return heifFamily.has(type) && heifFamily.has(sniffed);
}

/** Major brand first, then the compatible brands, read only as far as both box and head go. */
function ftypBrands(head: Uint8Array): string[] {
  if (head.length < 12) return [];
  const declared = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0);
  // size 0 means "to end of file" and 1 a 64-bit size: either way the head bounds us.
  const end = declared >= 16 ? Math.min(declared, head.length) : head.length;
  const brands = [ascii(head, 8, 4)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(head, at, 4));
  return brands;
}

/** A specific major brand decides; a generic one (mif1, miaf…) defers to the compatible brands. */
function brandType(brands: string[]): SniffedType | null {
  const [major, ...compatible] = brands;
  if (major === undefined) return null;
  if (HEIC_BRANDS.has(major)) return 'image/heic';
  if (AVIF_BRANDS.has(major)) return 'image/avif';
  // AVIF wins over HEIC so an AV1 file is never let through as HEIF.
  if (compatible.some((b) => AVIF_BRANDS.has(b))) return 'image/avif';
  if (compatible.some((b) => HEIC_BRANDS.has(b))) return 'image/heic';
  if (brands.some((b) => HEIF_BRANDS.has(b))) return 'image/heif';
  return null;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (bytes.length < offset + length) return '';
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}
