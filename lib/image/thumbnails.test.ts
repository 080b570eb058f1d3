import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  BLUE,
  GPS_EXIF,
  halfTransparentPng,
  halvesJpeg,
  near,
  OPTIONS,
  pixel,
  RED,
} from '../../test/fixtures/thumbnail-images.ts';
import { openThumbnailSource } from './decode-source.ts';
import { type ThumbnailStrategyName, thumbnailStrategies } from './thumbnail-strategies.ts';
import { configureSharp, renderThumbnails, THUMBNAIL_STRATEGY } from './thumbnails.ts';

const thumb = (result: Awaited<ReturnType<typeof renderThumbnails>>, name: string) => {
  const found = result.thumbnails.find((t) => t.name === name);
  if (!found) throw new Error(`no thumbnail named ${name}`);
  return found;
};

describe('renderThumbnails orientation', () => {
  // A 400×200 camera image, red on the left. Orientation 6 means "turn 90° clockwise to view":
  // the left edge becomes the top. 8 is the opposite turn, 3 a half turn.
  it.each([
    {
      orientation: 1,
      width: 400,
      height: 200,
      probes: [
        [40, 80, RED],
        [280, 80, BLUE],
      ],
    },
    {
      orientation: 6,
      width: 200,
      height: 400,
      probes: [
        [80, 40, RED],
        [80, 280, BLUE],
      ],
    },
    {
      orientation: 8,
      width: 200,
      height: 400,
      probes: [
        [80, 40, BLUE],
        [80, 280, RED],
      ],
    },
    {
      orientation: 3,
      width: 400,
      height: 200,
      probes: [
        [40, 80, BLUE],
        [280, 80, RED],
      ],
    },
  ] as const)(
    'comes out upright for EXIF orientation $orientation',
    async ({ orientation, width, height, probes }) => {
      // Prepare
      const input = await halvesJpeg(400, 200, orientation);
      // Act
      const result = await renderThumbnails(input, OPTIONS);
      // Assess
      expect(result).toMatchObject({ width, height, format: 'jpeg' });
      const small = thumb(result, 'small');
      expect([small.width, small.height]).toEqual([(width * 320) / 400, (height * 320) / 400]);
      for (const [x, y, colour] of probes) {
        expect(near(await pixel(small.data, x, y), [...colour])).toBe(true);
      }
    },
  );
});

describe('renderThumbnails output', () => {
  it('writes WebP with no EXIF, GPS, XMP or ICC profile', async () => {
    // Prepare
    const input = await halvesJpeg(400, 200, 6);
    expect((await sharp(input).metadata()).exif).toBeDefined();
    // Act
    const result = await renderThumbnails(input, OPTIONS);
    // Assess
    for (const t of result.thumbnails) {
      const meta = await sharp(t.data).metadata();
      expect(meta.format).toBe('webp');
      expect(t.contentType).toBe('image/webp');
      expect(meta).not.toHaveProperty('exif');
      expect(meta).not.toHaveProperty('xmp');
      expect(meta).not.toHaveProperty('icc');
      expect(meta.orientation).toBeUndefined();
      expect(t.data.includes(Buffer.from(String(GPS_EXIF.IFD0?.Model)))).toBe(false);
    }
  });

  it('bounds the long edge of each size and keeps the aspect ratio', async () => {
    // Prepare
    const input = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#468' } })
      .jpeg()
      .toBuffer();
    // Act
    const result = await renderThumbnails(input, OPTIONS);
    // Assess
    expect(result.thumbnails.map(({ name, width, height }) => ({ name, width, height }))).toEqual([
      { name: 'small', width: 320, height: 213 },
      { name: 'large', width: 1280, height: 853 },
    ]);
    for (const t of result.thumbnails) {
      const meta = await sharp(t.data).metadata();
      expect([meta.width, meta.height]).toEqual([t.width, t.height]);
    }
  });

  it('never enlarges an image smaller than a size', async () => {
    // Prepare
    const input = await halvesJpeg(300, 100);
    // Act
    const result = await renderThumbnails(input, OPTIONS);
    // Assess
    expect(result.thumbnails.map((t) => [t.width, t.height])).toEqual([
      [300, 100],
      [300, 100],
    ]);
  });

  it('keeps transparency when a PNG has an alpha channel', async () => {
    // Prepare
    const input = await halfTransparentPng(200, 100);
    // Act
    const result = await renderThumbnails(input, OPTIONS);
    // Assess
    expect(result.format).toBe('png');
    const small = thumb(result, 'small');
    expect((await sharp(small.data).metadata()).hasAlpha).toBe(true);
    const { data, info } = await sharp(small.data).raw().toBuffer({ resolveWithObject: true });
    const alphaAt = (x: number) => data[(50 * info.width + x) * info.channels + 3];
    expect(alphaAt(20)).toBe(0);
    expect(alphaAt(180)).toBe(255);
  });

  it.each(['webp', 'avif'] as const)('renders %s input', async (format) => {
    // Prepare: AVIF is HEIF with AV1, which prebuilt sharp decodes without help.
    const input = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c33' } })
      .toFormat(format)
      .toBuffer();
    // Act
    const result = await renderThumbnails(input, OPTIONS);
    // Assess
    expect(result).toMatchObject({ width: 640, height: 480, format: format === 'avif' ? 'heif' : 'webp' });
    expect(thumb(result, 'small')).toMatchObject({ width: 320, height: 240 });
  });

  it('refuses options it cannot honour with a message naming what was expected', async () => {
    // Prepare
    const input = await halvesJpeg(40, 20);
    // Act / Assess
    await expect(renderThumbnails(input, { ...OPTIONS, quality: 0 })).rejects.toThrow(
      'Expected an integer between 1 and 100 for quality but received 0',
    );
    await expect(
      renderThumbnails(input, {
        ...OPTIONS,
        sizes: [OPTIONS.sizes[0], OPTIONS.sizes[0]].flatMap((s) => (s ? [s] : [])),
      }),
    ).rejects.toThrow(TypeError);
    await expect(
      renderThumbnails(input, { ...OPTIONS, sizes: [{ name: '../x', longEdge: 10 }] }),
    ).rejects.toThrow('Expected a unique lower-case slug for a size name but received "../x"');
  });
});

describe('thumbnail strategies', () => {
  it(`uses the benchmark's winner, ${THUMBNAIL_STRATEGY}`, () => {
    expect(Object.keys(thumbnailStrategies)).toContain(THUMBNAIL_STRATEGY);
  });

  it.each(Object.keys(thumbnailStrategies) as ThumbnailStrategyName[])(
    '%s gives the same upright sizes',
    async (name) => {
      // Prepare
      const input = await halvesJpeg(1600, 800, 6);
      const source = await openThumbnailSource(input, OPTIONS.maxInputPixels);
      // Act
      const thumbnails = await thumbnailStrategies[name](source, OPTIONS);
      // Assess
      expect(thumbnails.map((t) => [t.name, t.width, t.height])).toEqual([
        ['small', 160, 320],
        ['large', 640, 1280],
      ]);
      const small = thumbnails[0]?.data ?? Buffer.alloc(0);
      expect(near(await pixel(small, 80, 40), RED)).toBe(true);
      expect(near(await pixel(small, 80, 280), BLUE)).toBe(true);
    },
  );
});

describe('configureSharp', () => {
  it('turns the libvips cache off and sets the thread count', () => {
    // Act
    configureSharp({ concurrency: 1 });
    // Assess
    expect(sharp.cache()).toMatchObject({ memory: { max: 0 }, items: { max: 0 } });
    expect(sharp.concurrency()).toBe(1);
    expect(() => configureSharp({ concurrency: 0 })).toThrow(
      'Expected a positive integer for concurrency but received 0',
    );
  });
});
