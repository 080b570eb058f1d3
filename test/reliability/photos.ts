import sharp from 'sharp';

/** A small JPEG that looks like a photo (noise, so it is not trivially small), `n` varies it. */
export async function smallPhoto(n: number, width = 800, height = 600): Promise<Buffer> {
  const raw = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: (n * 37) % 256, g: (n * 91) % 256, b: (n * 53) % 256 },
      noise: { type: 'gaussian', mean: 128, sigma: 30 },
    },
  })
    .png({ compressionLevel: 0 })
    .toBuffer();
  return sharp(raw).jpeg({ quality: 80 }).toBuffer();
}

/** `count` photos, generated a few at a time. */
export async function photos(count: number, width?: number, height?: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i += 8) {
    out.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(8, count - i) }, (_, j) => smallPhoto(i + j, width, height)),
      )),
    );
  }
  return out;
}

/** A seeded random number generator (mulberry32), so a run can be repeated with its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
