import { describe, expect, it } from 'vitest';
import { ftyp } from '../../test/fixtures/bmff-boxes.ts';
import { flat } from '../../test/fixtures/exif-images.ts';
import { isDeclaredTypeCompatible, SNIFF_BYTES, type SniffedType, sniffImageType } from './sniff.ts';

const head = (bytes: Uint8Array) => bytes.subarray(0, SNIFF_BYTES);
const text = (s: string) => new TextEncoder().encode(s);

describe('sniffImageType', () => {
  it.each([
    ['jpeg', 'image/jpeg'],
    ['png', 'image/png'],
    ['webp', 'image/webp'],
    ['avif', 'image/avif'],
  ] as const)('recognises a %s written by sharp', async (format, expected) => {
    // Prepare
    const image = await flat().toFormat(format).toBuffer();
    // Act
    const type = sniffImageType(head(image));
    // Assess
    expect(type).toBe(expected);
  });

  it.each([
    ['heic', ['mif1', 'heic'], 'image/heic'],
    ['heix', ['mif1', 'heix'], 'image/heic'],
    ['mif1', [], 'image/heif'],
    ['mif1', ['heic'], 'image/heic'],
    ['msf1', ['hevc'], 'image/heic'],
    ['mif1', ['miaf', 'avif'], 'image/avif'],
    ['avis', ['msf1'], 'image/avif'],
  ] as [string, string[], SniffedType][])(
    'reads ftyp major %s with %j as %s',
    (major, compatible, expected) => {
      expect(sniffImageType(ftyp(major, compatible))).toBe(expected);
    },
  );

  it('reads brands only as far as the head goes', () => {
    const box = ftyp('isom', [
      'mp41',
      'mp42',
      'iso2',
      'avc1',
      'dash',
      'cmfc',
      'iso6',
      'msdh',
      'msix',
      'iso8',
      'iso9',
      'isoa',
      'mif1',
    ]);
    expect(sniffImageType(box.subarray(0, SNIFF_BYTES))).toBeNull();
    expect(sniffImageType(box)).toBe('image/heif');
  });

  it.each([
    ['zero bytes', new Uint8Array(0)],
    ['HTML', text('<!doctype html><html><body>hi</body></html>')],
    ['SVG', text('<svg xmlns="http://www.w3.org/2000/svg"></svg>')],
    ['GIF', text('GIF89a\x01\x00\x01\x00')],
    ['PDF', text('%PDF-1.7\n%\xe2\xe3')],
    ['plain text', text('hello, this is not an image')],
    ['a WAVE file', text('RIFF\x24\x00\x00\x00WAVEfmt ')],
    ['an MP4 video', ftyp('isom', ['iso2', 'avc1', 'mp41'])],
    ['a truncated JPEG', new Uint8Array([0xff, 0xd8])],
    ['a truncated PNG signature', new Uint8Array([0x89, 0x50, 0x4e, 0x47])],
    ['an ftyp without brands', text('\x00\x00\x00\x08ftyp')],
  ])('refuses %s', (_name, bytes) => {
    expect(sniffImageType(bytes)).toBeNull();
  });
});

describe('isDeclaredTypeCompatible', () => {
  it('accepts the exact type', () => {
    expect(isDeclaredTypeCompatible('image/jpeg', 'image/jpeg')).toBe(true);
    expect(isDeclaredTypeCompatible('image/webp', 'image/webp')).toBe(true);
  });

  it('treats HEIC and HEIF as one family', () => {
    expect(isDeclaredTypeCompatible('image/heic', 'image/heif')).toBe(true);
    expect(isDeclaredTypeCompatible('image/heif', 'image/heic')).toBe(true);
  });

  it('ignores case and parameters of the declared media type', () => {
    expect(isDeclaredTypeCompatible(' Image/JPEG; charset=binary', 'image/jpeg')).toBe(true);
  });

  it('refuses everything else', () => {
    expect(isDeclaredTypeCompatible('image/jpeg', 'image/png')).toBe(false);
    expect(isDeclaredTypeCompatible('image/heic', 'image/avif')).toBe(false);
    expect(isDeclaredTypeCompatible('image/avif', 'image/heif')).toBe(false);
    expect(isDeclaredTypeCompatible('image/jpg', 'image/jpeg')).toBe(false);
    expect(isDeclaredTypeCompatible('', 'image/jpeg')).toBe(false);
  });
});
