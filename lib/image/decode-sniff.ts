import { SNIFF_BYTES, type SniffedType, sniffImageType } from './sniff.ts';

/** The containers a crew photo may arrive in, named as sharp's metadata names them. */
export type PhotoContainer = 'jpeg' | 'png' | 'webp' | 'heif';

const CONTAINER: Record<SniffedType, PhotoContainer> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heif',
  'image/heif': 'heif',
  'image/avif': 'heif',
};

/**
 * Names the container from its magic bytes (the same sniffer the upload check uses), or
 * `undefined` when it is none we accept. This runs before sharp so that libvips never parses SVG,
 * PDF, TIFF, GIF or HTML from a customer: sharp would rasterize an SVG as readily as a photo.
 */
export function sniffPhotoContainer(input: Uint8Array): PhotoContainer | undefined {
  const type = sniffImageType(input.subarray(0, SNIFF_BYTES));
  return type ? CONTAINER[type] : undefined;
}

/** A short human name for bytes we refuse, for the rejection message (never parsed further). */
export function describeContent(input: Uint8Array): string {
  if (input.byteLength === 0) return 'an empty file';
  const head = Buffer.from(input.buffer, input.byteOffset, Math.min(input.byteLength, 512));
  const text = head.toString('latin1').trimStart().toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'SVG';
  if (text.startsWith('<!doctype html') || text.startsWith('<html')) return 'HTML';
  if (text.startsWith('gif8')) return 'GIF';
  if (text.startsWith('%pdf')) return 'PDF';
  if (text.startsWith('ii*\0') || text.startsWith('mm\0*')) return 'TIFF';
  if (head.toString('latin1', 4, 8) === 'ftyp') return `ISO media '${head.toString('latin1', 8, 12)}'`;
  return 'unrecognised bytes';
}
