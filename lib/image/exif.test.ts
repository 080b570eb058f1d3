import { beforeAll, describe, expect, it } from 'vitest';
import {
  be,
  box,
  exifItem,
  ftyp,
  fullBox,
  heicWithExif,
  iinf,
  iloc,
  infe,
} from '../../test/fixtures/bmff-boxes.ts';
import { flat, noise, PHONE_GPS, phoneExif, prng, tiffBlockOf } from '../../test/fixtures/exif-images.ts';
import { EXIF_MAX_BYTES, EXIF_MAX_REQUESTS, type ExifReadResult, readExif } from './exif.ts';
import { bufferReader, countingReader, type RangeReader } from './range-reader.ts';
import { SNIFF_BYTES, type SniffedType, sniffImageType } from './sniff.ts';

const KiB = 1024;

/** Sniffs like the handler does, reads EXIF through a counting reader and checks the budget. */
async function read(image: Uint8Array, options: { head?: Uint8Array | false; type?: SniffedType } = {}) {
  const head = options.head === false ? undefined : (options.head ?? image.subarray(0, SNIFF_BYTES));
  const type = options.type ?? sniffImageType(image.subarray(0, SNIFF_BYTES));
  if (!type) throw new Error('Expected the fixture to sniff as an image');
  const counted = countingReader(bufferReader(image));
  const result = await readExif(counted.read, image.length, type, head);
  expect({ requests: result.requests, bytes: result.bytes }).toEqual(counted.stats);
  expect(result.requests).toBeLessThanOrEqual(EXIF_MAX_REQUESTS);
  expect(result.bytes).toBeLessThanOrEqual(EXIF_MAX_BYTES);
  return result;
}

function expectPhoneFacts(result: ExifReadResult, orientation = 6) {
  expect(result.error).toBeUndefined();
  expect(result.facts).toMatchObject({
    takenAt: '2024-05-01T12:34:56-04:00',
    orientation,
    make: 'Apple',
    model: 'iPhone 15 Pro',
  });
  expect(result.facts?.gps?.lat).toBeCloseTo(PHONE_GPS.lat, 9);
  expect(result.facts?.gps?.lon).toBeCloseTo(PHONE_GPS.lon, 9);
  expect(result.facts?.gps?.altitude).toBe(12);
}

// Phones write a ~24 KB APP1 (maker notes, thumbnail); a long description stands in for them.
const phoneSizedExif = () => {
  const exif = phoneExif();
  exif.IFD0 = { ...exif.IFD0, ImageDescription: 'x'.repeat(24_000) };
  return exif;
};

describe('readExif: JPEG', () => {
  let phone: Buffer;
  let large: Buffer;
  beforeAll(async () => {
    phone = await flat().withExif(phoneSizedExif()).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    large = await noise(1500, 1000).withExif(phoneExif()).jpeg({ quality: 95 }).toBuffer();
  });

  it('finds GPS, time, orientation and device in one read of at most 64 KiB', async () => {
    // Act
    const result = await read(phone);
    // Assess
    expectPhoneFacts(result);
    expect(phone.length).toBeGreaterThan(24_000);
    expect(result.requests).toBe(1);
    expect(result.bytes).toBeLessThanOrEqual(64 * KiB);
  });

  it('reads one 64 KiB window of a large JPEG whether or not a head is given', async () => {
    expect(large.length).toBeGreaterThan(1024 * KiB);
    for (const head of [undefined, false] as const) {
      const result = await read(large, { head });
      expectPhoneFacts(result, 1);
      expect(result).toMatchObject({ requests: 1 });
      expect(result.bytes).toBeLessThanOrEqual(64 * KiB);
    }
  });

  it('makes no read when the head already holds the APP1 segment', async () => {
    const result = await read(phone, { head: phone.subarray(0, 64 * KiB) });
    expectPhoneFacts(result);
    expect(result).toMatchObject({ requests: 0, bytes: 0 });
  });

  it('returns null facts, without error, for a JPEG without EXIF', async () => {
    const result = await read(await flat().jpeg().toBuffer());
    expect(result).toEqual({ facts: null, requests: 1, bytes: expect.any(Number) });
  });

  it('gives gps null when the photo has no position', async () => {
    const image = await flat()
      .withExif({ IFD0: { Make: 'Apple' } })
      .jpeg()
      .toBuffer();
    const result = await read(image);
    expect(result.facts).toMatchObject({ gps: null, make: 'Apple', model: null, takenAt: null });
  });

  it('falls back to the digitized time (exifr: CreateDate) without DateTimeOriginal', async () => {
    const exif = { IFD2: { DateTimeDigitized: '2023:12:24 18:00:05', OffsetTimeDigitized: '+01:00' } };
    const result = await read(await flat().withExif(exif).jpeg().toBuffer());
    expect(result.facts?.takenAt).toBe('2023-12-24T18:00:05+01:00');
  });

  it('drops an impossible position (latitude 95) and keeps the rest', async () => {
    const image = await flat()
      .withExif(phoneExif({ lat: '95/1 0/1 0/1' }))
      .jpeg()
      .toBuffer();
    const result = await read(image);
    expect(result.facts).toMatchObject({ gps: null, make: 'Apple', takenAt: '2024-05-01T12:34:56-04:00' });
    expect(result.error).toMatch(/GPS ignored: expected latitude in \[-90, 90\] but received 95 0 0 "N"/);
  });

  it('reports a truncated APP1 segment instead of throwing', async () => {
    const cut = phone.subarray(0, 10_000);
    const result = await read(cut);
    expect(result.facts).toBeNull();
    expect(result.error).toMatch(/Expected a \d+-byte APP1 segment but the file ends/);
  });
});

describe('readExif: PNG', () => {
  it('finds the eXIf chunk sharp writes before the image data in one read', async () => {
    const image = await noise(800, 600)
      .withExif(phoneExif())
      .withMetadata({ orientation: 3 })
      .png()
      .toBuffer();
    const result = await read(image);
    expectPhoneFacts(result, 3);
    expect(result.requests).toBe(1);
    expect(result.bytes).toBeLessThanOrEqual(64 * KiB);
  });

  it('stops at the image data when there is no eXIf', async () => {
    const result = await read(await flat().png().toBuffer());
    expect(result.facts).toBeNull();
    expect(result.error).toBeUndefined();
  });
});

describe('readExif: WebP', () => {
  let large: Buffer;
  let withIcc: Buffer;
  beforeAll(async () => {
    large = await noise(1200, 1200).withExif(phoneExif()).webp().toBuffer();
    // withMetadata adds an sRGB ICCP chunk between VP8X and the image data: one more hop.
    withIcc = await noise(1200, 1200)
      .withExif(phoneExif())
      .withMetadata({ orientation: 8 })
      .webp()
      .toBuffer();
  });

  it('hops over the image data to the EXIF chunk at the end', async () => {
    // Prepare: the EXIF chunk follows ~1 MB of VP8 data
    expect(large.length).toBeGreaterThan(500 * KiB);
    expect(large.lastIndexOf('EXIF')).toBeGreaterThan(large.length - 2 * KiB);
    // Act
    const withHead = await read(large);
    const withoutHead = await read(large, { head: false });
    // Assess
    expectPhoneFacts(withHead, 1);
    expectPhoneFacts(withoutHead, 1);
    expect(withHead).toMatchObject({ requests: 1 });
    expect(withHead.bytes).toBeLessThan(2 * KiB);
    expect(withoutHead).toMatchObject({ requests: 2 });
    expect(withoutHead.bytes).toBeLessThanOrEqual(18 * KiB);
  });

  it('hops over an ICC profile chunk too', async () => {
    const result = await read(withIcc);
    expectPhoneFacts(result, 8);
    expect(result).toMatchObject({ requests: 2 });
    expect(result.bytes).toBeLessThanOrEqual(18 * KiB);
  });

  it('reads nothing when the simple format (no VP8X) cannot hold EXIF', async () => {
    const result = await read(await flat().webp().toBuffer());
    expect(result).toEqual({ facts: null, requests: 0, bytes: 0 });
  });

  it('survives an absurd chunk size', async () => {
    const absurd = Buffer.from(large);
    absurd.writeUInt32LE(0xfffffff0, 34); // the VP8 chunk after the 18-byte VP8X
    const result = await read(absurd);
    expect(result.facts).toBeNull();
  });

  it('gives up within budget on a chain of lying chunk sizes', async () => {
    const chain = Buffer.alloc(2 * 1024 * KiB);
    chain.write('RIFF', 0);
    chain.writeUInt32LE(chain.length - 8, 4);
    chain.write('WEBPVP8X', 8);
    chain.writeUInt32LE(10, 16);
    chain[20] = 0x08; // EXIF flag set
    for (let at = 30; at + 8 <= chain.length; at += 200 * KiB) {
      chain.write('JUNK', at);
      chain.writeUInt32LE(200 * KiB - 8, at + 4);
    }
    const result = await read(chain, { head: false });
    expect(result.facts).toBeNull();
    expect(result.error).toMatch(/Expected EXIF within 3 reads and 98304 bytes/);
  });
});

describe('readExif: AVIF written by sharp', () => {
  it('walks meta, iinf and iloc to the Exif item at the end of mdat', async () => {
    // Prepare
    const image = await noise(1400, 1400).withExif(phoneExif()).avif({ effort: 0 }).toBuffer();
    expect(image.length).toBeGreaterThan(500 * KiB);
    // Act
    const result = await read(image);
    const withoutHead = await read(image, { head: false });
    // Assess
    expect(sniffImageType(image)).toBe('image/avif');
    expectPhoneFacts(result, 1);
    expectPhoneFacts(withoutHead, 1);
    expect(result.requests).toBe(2);
    expect(result.bytes).toBeLessThan(2 * KiB);
    expect(withoutHead.requests).toBe(2);
    expect(withoutHead.bytes).toBeLessThan(20 * KiB);
  });

  it('returns null facts for an AVIF without an Exif item', async () => {
    const result = await read(await flat().avif({ effort: 0 }).toBuffer());
    expect(result).toMatchObject({ facts: null });
    expect(result.error).toBeUndefined();
  });
});

describe('readExif: hand-built HEIC', () => {
  let tiff: Uint8Array;
  beforeAll(async () => {
    tiff = await tiffBlockOf(
      await flat().withExif(phoneExif()).withMetadata({ orientation: 6 }).jpeg().toBuffer(),
    );
  });

  it.each([0, 1, 2] as const)('follows an iloc v%i with a non-zero base offset', async (version) => {
    const image = heicWithExif(tiff, 2 * 1024 * KiB, version);
    expect(sniffImageType(image)).toBe('image/heic');
    const result = await read(image);
    expectPhoneFacts(result);
    expect(result.requests).toBe(2);
  });

  it('reads an Exif item stored in idat (construction method 1)', async () => {
    const item = exifItem(tiff);
    const meta = fullBox(
      'meta',
      0,
      iinf(infe(2, 'Exif')),
      iloc(1, { offset: 4, length: 4, baseOffset: 0 }, [
        { id: 2, method: 1, baseOffset: 0, extents: [{ offset: 3, length: item.length }] },
      ]),
      box('idat', Buffer.alloc(3), item),
    );
    const image = Buffer.concat([ftyp('mif1', ['heic']), meta, box('mdat', Buffer.alloc(100_000))]);
    expectPhoneFacts(await read(image));
  });

  it('reports an iloc that points beyond the end of the file', async () => {
    const image = heicWithExif(tiff, 1000);
    const result = await read(image.subarray(0, image.length - 50));
    expect(result.facts).toBeNull();
    expect(result.error).toMatch(/Expected the Exif extent \d+\+\d+ inside the file/);
  });

  it('reports a meta box that claims to be huge', async () => {
    const image = Buffer.from(heicWithExif(tiff, 1000));
    const metaAt = image.indexOf('meta') - 4;
    image.writeUInt32BE(10 * 1024 * KiB, metaAt);
    const padded = Buffer.concat([image, Buffer.alloc(10 * 1024 * KiB)]);
    const result = await read(padded);
    expect(result).toMatchObject({ facts: null, error: expect.stringMatching(/meta box of at most 65536/) });
  });

  it('finds meta after a largesize (size 1) box and stops at a size 0 box', async () => {
    const meta = (start: number) =>
      fullBox(
        'meta',
        0,
        iinf(infe(2, 'Exif')),
        iloc(1, { offset: 4, length: 4, baseOffset: 8 }, [
          { id: 2, baseOffset: start, extents: [{ offset: 0, length: exifItem(tiff).length }] },
        ]),
      );
    const head = ftyp('heic', ['mif1']);
    const free = Buffer.concat([be(1, 4), Buffer.from('free'), be(32, 8), Buffer.alloc(16)]);
    const start = head.length + free.length + meta(0).length;
    const image = Buffer.concat([head, free, meta(start), exifItem(tiff)]);
    expectPhoneFacts(await read(image));

    const toEnd = Buffer.concat([head, be(0, 4), Buffer.from('mdat'), meta(0)]);
    expect(await read(toEnd)).toMatchObject({ facts: null });
  });
});

describe('readExif: hostile and broken input never throws', () => {
  it.each(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/avif'] as const)(
    'handles a 1-byte and an empty %s',
    async (type) => {
      for (const bytes of [Uint8Array.of(0xff), new Uint8Array(0)]) {
        const result = await read(bytes, { type });
        expect(result.facts).toBeNull();
      }
    },
  );

  it('survives a thousand corrupted files within budget', async () => {
    // Prepare: one small valid file per container, EXIF included
    const tiff = await tiffBlockOf(await flat().withExif(phoneExif()).jpeg().toBuffer());
    const valid = [
      await flat().withExif(phoneExif()).jpeg().toBuffer(),
      await flat().withExif(phoneExif()).png().toBuffer(),
      await flat().withExif(phoneExif()).withMetadata().webp().toBuffer(),
      await flat().withExif(phoneExif()).avif({ effort: 0 }).toBuffer(),
      heicWithExif(tiff, 4096),
    ];
    const random = prng(42);
    let withFacts = 0;
    for (const original of valid) {
      const type = sniffImageType(original) as SniffedType;
      for (let round = 0; round < 200; round += 1) {
        const bytes = Buffer.from(original);
        // Act: overwrite a few bytes (often with extreme values), sometimes truncate
        for (let flips = 1 + Math.floor(random() * 6); flips > 0; flips -= 1) {
          const at = Math.floor(random() * bytes.length);
          bytes[at] =
            random() < 0.5 ? ([0x00, 0xff, 0x01, 0x7f][Math.floor(random() * 4)] ?? 0) : random() * 256;
        }
        const cut = random() < 0.2 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
        // Assess: read() checks the budget; it must resolve, never reject
        const result = await read(cut, { type });
        if (result.facts) withFacts += 1;
      }
    }
    expect(withFacts).toBeGreaterThan(0);
  });

  it('rejects with the reader’s own error when the store fails, so the handler can retry', async () => {
    const throttled = new Error('SlowDown');
    const failing: RangeReader = async () => {
      throw throttled;
    };
    await expect(readExif(failing, 1000, 'image/jpeg')).rejects.toBe(throttled);
  });

  it('answers with an error for a type it does not know', async () => {
    const result = await readExif(bufferReader(new Uint8Array(10)), 10, 'constructor' as SniffedType);
    expect(result).toMatchObject({ facts: null, requests: 0, error: expect.stringContaining('constructor') });
  });
});
