import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { smallPhoto } from './photos.ts';

/** One bad file: what it is, how it is declared, and its bytes. */
export interface BadFile {
  name: string;
  contentType: string;
  bytes: Buffer;
  /** What the pipeline must do with it: never `ready` (refuse) or end final without leaking (tolerate). */
  expect: 'refused' | 'tolerated';
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG declaring `side`² grey pixels that compresses to a few hundred KB (a decompression bomb). */
function pngBomb(side: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = Buffer.alloc((side + 1) * side); // filter byte 0 + zero pixels, every row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG whose frame header claims `w`×`h` (the scan data is of a small image). */
function forgeDimensions(jpeg: Buffer, w: number, h: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; ) {
    if (out[i] !== 0xff) break;
    const marker = out[i + 1] ?? 0;
    const len = out.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2) {
      out.writeUInt16BE(h, i + 5);
      out.writeUInt16BE(w, i + 7);
      return out;
    }
    i += 2 + len;
  }
  throw new Error('Expected a SOF marker in the JPEG');
}

/** A JPEG with an APP1 Exif segment whose IFD offsets point far outside it. */
function malformedExif(jpeg: Buffer): Buffer {
  const tiff = Buffer.from([
    0x4d,
    0x4d,
    0x00,
    0x2a,
    0x00,
    0x00,
    0x00,
    0x08, // big-endian, IFD0 at 8
    0x00,
    0x02, // two entries
    0x01,
    0x0f,
    0x00,
    0x02,
    0x7f,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0x00, // Make: ASCII, huge count, wild offset
    0x88,
    0x25,
    0x00,
    0x04,
    0x00,
    0x00,
    0x00,
    0x01,
    0xff,
    0xff,
    0xff,
    0xf0, // GPS IFD pointer out of range
    0xff,
    0xff,
    0xff,
    0xf0, // next IFD out of range
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

/** The markup the EXIF text case carries; it must not come out in a thumbnail. */
export const EXIF_MARKUP = '<script>alert(1)</script>';

/** The generated catalogue of bad files. */
export async function badFiles(): Promise<BadFile[]> {
  const photo = await smallPhoto(7, 640, 480);
  const html = Buffer.from(
    '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>',
  );
  return [
    { name: 'empty', contentType: 'image/jpeg', bytes: Buffer.alloc(0), expect: 'refused' },
    { name: 'HTML as .jpg', contentType: 'image/jpeg', bytes: html, expect: 'refused' },
    {
      name: 'polyglot (JPEG magic + HTML)',
      contentType: 'image/jpeg',
      bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), html]),
      expect: 'refused',
    },
    {
      name: 'SVG as PNG',
      contentType: 'image/png',
      bytes: Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>',
      ),
      expect: 'refused',
    },
    {
      name: 'truncated JPEG',
      contentType: 'image/jpeg',
      bytes: photo.subarray(0, Math.floor(photo.length * 0.6)),
      expect: 'refused',
    },
    {
      name: 'forged dimensions',
      contentType: 'image/jpeg',
      bytes: forgeDimensions(photo, 60_000, 60_000),
      expect: 'refused',
    },
    { name: 'PNG bomb (12000² px)', contentType: 'image/png', bytes: pngBomb(12_000), expect: 'refused' },
    { name: 'malformed EXIF', contentType: 'image/jpeg', bytes: malformedExif(photo), expect: 'tolerated' },
    {
      name: 'GPS out of range',
      contentType: 'image/jpeg',
      bytes: await sharp(photo)
        .withExif({
          IFD3: {
            GPSLatitudeRef: 'N',
            GPSLatitude: '123/1 0/1 0/1',
            GPSLongitudeRef: 'E',
            GPSLongitude: '500/1 0/1 0/1',
          },
        })
        .jpeg()
        .toBuffer(),
      expect: 'tolerated',
    },
    {
      name: 'EXIF text with markup',
      contentType: 'image/jpeg',
      bytes: await sharp(photo)
        .withExif({
          IFD0: { Make: EXIF_MARKUP, Model: '<img src=x onerror=alert(1)>', ImageDescription: EXIF_MARKUP },
        })
        .jpeg()
        .toBuffer(),
      expect: 'tolerated',
    },
  ];
}
