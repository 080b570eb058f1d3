import sharp from 'sharp';

/**
 * A JPEG that looks like a photo (noise, so it does not compress to nothing): `kb` sets its
 * rough size, `label` is drawn on it so screenshots tell the photos apart.
 */
export async function makePhoto(
  label: string,
  colour = '#2a6f97',
  width = 1200,
  height = 900,
): Promise<Buffer> {
  const noise = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: colour,
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .png()
    .toBuffer();
  return sharp(noise)
    .composite([
      { input: { create: { width, height, channels: 4, background: `${colour}c0` } } },
      {
        input: Buffer.from(
          `<svg width="${width}" height="${height}"><rect x="80" y="80" width="${width / 2}" height="${height / 3}" fill="#f4a261"/><text x="100" y="${height - 120}" font-size="96" font-family="sans-serif" fill="#fff">${label}</text></svg>`,
        ),
      },
    ])
    .jpeg({ quality: 85 })
    .withExif({
      IFD0: { Make: 'QDN', Model: 'Test camera' },
      IFD2: { DateTimeOriginal: '2026:11:30 09:15:00' },
    })
    .toBuffer();
}
