import { describe, expect, it } from 'vitest';
import { cleanFilename, MAX_FILENAME_LENGTH } from './filename.ts';
import { parsePhotoKey, photoKey, quarantineKey, thumbnailKey } from './photo-keys.ts';

const PHOTO_ID = '01JD3ZQ4X6V8Y9ZAB7C5D2E1FG';

describe('photo keys', () => {
  it('builds and parses photos/{jobId}/{photoId}.{ext}', () => {
    const key = photoKey('job-demo-1', PHOTO_ID, 'jpg');
    expect(key).toBe(`photos/job-demo-1/${PHOTO_ID}.jpg`);
    expect(parsePhotoKey(key)).toEqual({ jobId: 'job-demo-1', photoId: PHOTO_ID, ext: 'jpg' });
  });

  it('refuses job ids and photo ids that could escape the prefix', () => {
    for (const jobId of ['../x', 'a/b', '', '.', 'a b', 'x'.repeat(65), 'job\u0000']) {
      expect(() => photoKey(jobId, PHOTO_ID, 'jpg')).toThrow(/Expected a job id/);
    }
    expect(() => photoKey('job-1', '../../etc', 'jpg')).toThrow(/Expected a ULID/);
  });

  it('does not parse keys the pipeline did not issue', () => {
    for (const key of [
      'photos/job/x.jpg',
      `photos/a/b/${PHOTO_ID}.jpg`,
      `thumbs/job/${PHOTO_ID}.jpg`,
      `photos/job/${PHOTO_ID}`,
    ]) {
      expect(parsePhotoKey(key)).toBeNull();
    }
  });

  it('places thumbnails and quarantined originals under their prefixes', () => {
    expect(thumbnailKey('job-1', PHOTO_ID, 'small')).toBe(`thumbs/job-1/${PHOTO_ID}/small.webp`);
    expect(quarantineKey(`photos/job-1/${PHOTO_ID}.jpg`)).toBe(`quarantine/photos/job-1/${PHOTO_ID}.jpg`);
  });
});

describe('cleanFilename', () => {
  it.each([
    ['../../x.jpg', 'x.jpg'],
    ['a/b.jpg', 'b.jpg'],
    ['C:\\Users\\me\\IMG_1.HEIC', 'IMG_1.HEIC'],
    ['evil\u0000.jpg', 'evil.jpg'],
    ['<img onerror=alert(1)>.jpg', '_img onerror=alert(1)_.jpg'],
    ['', 'photo'],
    ['...', 'photo'],
    ['pic\u202egpj.exe', 'picgpj.exe'],
  ])('%j → %j', (raw, expected) => {
    expect(cleanFilename(raw)).toBe(expected);
  });

  it('bounds the length and keeps the extension', () => {
    const cleaned = cleanFilename(`${'a'.repeat(300)}.jpg`);
    expect([...cleaned]).toHaveLength(MAX_FILENAME_LENGTH);
    expect(cleaned.endsWith('.jpg')).toBe(true);
  });
});
