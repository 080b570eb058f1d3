// Test fixtures only: images generated with sharp or byte by byte, never opaque binaries.
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Exif } from 'sharp';

/** The thumbnail sizes the topology declares. */
export const SIZES = [
  { name: 'small', longEdge: 320 },
  { name: 'large', longEdge: 1280 },
];

/** Options as the thumbnail handler passes them from config (QDN_MAX_INPUT_PIXELS default 100 MP). */
export const OPTIONS = { sizes: SIZES, quality: 80, maxInputPixels: 100_000_000 };

/** A phone's EXIF with a GPS fix, the thing that must never reach a customer. */
export const GPS_EXIF: Exif = {
  IFD0: { Make: 'Apple', Model: 'iPhone 15 Pro' },
  IFD3: {
    GPSLatitudeRef: 'N',
    GPSLatitude: '39/1 57/1 9/1',
    GPSLongitudeRef: 'W',
    GPSLongitude: '75/1 9/1 49/1',
  },
};

/**
 * A JPEG as a camera stores it: the left half red, the right half blue, with an EXIF orientation
 * telling viewers how to turn it, and a GPS fix.
 */
export function halvesJpeg(width: number, height: number, orientation = 1): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i += 1) pixels[i * 3 + (i % width < width / 2 ? 0 : 2)] = 255;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .withExif(GPS_EXIF)
    .withMetadata({ orientation })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A photo-like JPEG whose entropy-coded data is most of the file (noise does not compress). */
export function noisyJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A PNG with a transparent left half and an opaque green right half. */
export function halfTransparentPng(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i += 1) {
    if (i % width >= width / 2) pixels.set([0, 255, 0, 255], i * 4);
  }
  return sharp(pixels, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

/**
 * A real decompression bomb: a valid 1-bit PNG of `width`×`height` black pixels whose zlib stream
 * shrinks ~1000:1, so a few tens of KB expand to hundreds of megapixels. Built by hand because
 * sharp takes ~20 s and 2 GB to encode one.
 */
export function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter, no interlace
  // Each row: filter byte 0 then ceil(width / 8) zero bytes.
  const idat = deflateSync(Buffer.alloc((1 + Math.ceil(width / 8)) * height), { level: 9 });
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

/**
 * A small progressive JPEG whose frame header (SOFn) is patched to declare `width`×`height`:
 * libjpeg would allocate for the declared size and then decode garbage for seconds.
 */
export async function forgedJpeg(width: number, height: number): Promise<Buffer> {
  const jpeg = Buffer.from(
    await noisyJpeg(64, 64).then((b) => sharp(b).jpeg({ progressive: true }).toBuffer()),
  );
  for (let at = 2; at + 9 < jpeg.length; ) {
    if (jpeg[at] !== 0xff) throw new Error(`Expected a JPEG marker at ${at}`);
    const marker = jpeg[at + 1] ?? 0;
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width follow.
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      jpeg.writeUInt16BE(height, at + 5);
      jpeg.writeUInt16BE(width, at + 7);
      return jpeg;
    }
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  throw new Error('Expected a SOF marker in the JPEG');
}

/** The colour of one pixel of an image, as [r, g, b]. */
export async function pixel(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + 3)];
}

/** True when two colours are within `tolerance` on every channel (lossy codecs shift them a bit). */
export function near(actual: number[], expected: number[], tolerance = 40): boolean {
  return (
    actual.length === expected.length && actual.every((v, i) => Math.abs(v - (expected[i] ?? 0)) <= tolerance)
  );
}

/** Red and blue as [r, g, b]. */
export const RED = [255, 0, 0];
export const BLUE = [0, 0, 255];
