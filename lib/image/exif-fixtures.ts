// Test fixtures only: images generated with sharp, never binary files checked in.
import sharp, { type Exif, type Sharp } from 'sharp';

/** EXIF for sharp's `withExif`: IFD0 is the image, IFD2 the Exif IFD, IFD3 the GPS IFD (libvips naming). */
export function phoneExif(overrides: { lat?: string; latRef?: string } = {}): Exif {
  return {
    IFD0: { Make: 'Apple', Model: 'iPhone 15 Pro' },
    IFD2: { DateTimeOriginal: '2024:05:01 12:34:56', OffsetTimeOriginal: '-04:00' },
    IFD3: {
      GPSLatitudeRef: overrides.latRef ?? 'N',
      GPSLatitude: overrides.lat ?? '39/1 57/1 9/1',
      GPSLongitudeRef: 'W',
      GPSLongitude: '75/1 9/1 49/1',
      GPSAltitude: '12/1',
    },
  };
}

/** 39°57′9″N 75°9′49″W, the position {@link phoneExif} writes. */
export const PHONE_GPS = { lat: 39 + 57 / 60 + 9 / 3600, lon: -(75 + 9 / 60 + 49 / 3600) };

/** Random RGB pixels, which no encoder can shrink, so the image data is large and EXIF ends up far in. */
export function noise(width: number, height: number, seed = 1): Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  let state = seed;
  for (let i = 0; i < pixels.length; i += 1) {
    // xorshift32: deterministic noise keeps sizes stable between runs.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    pixels[i] = state & 0xff;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

/** A small flat image. */
export function flat(width = 64, height = 48): Sharp {
  return sharp({ create: { width, height, channels: 3, background: '#7a6a5a' } });
}

/** The bare TIFF block of an image's EXIF. */
export async function tiffBlockOf(image: Buffer): Promise<Uint8Array> {
  const { exif } = await sharp(image).metadata();
  if (!exif) throw new Error('Expected the fixture image to carry EXIF');
  // sharp hands EXIF over with the `Exif\0\0` identifier of the JPEG APP1 segment.
  return exif.subarray(exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0);
}

/** A deterministic pseudo-random generator for fuzzing (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
