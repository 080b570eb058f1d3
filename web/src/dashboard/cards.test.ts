import { describe, expect, it } from 'vitest';
import type { ApiPhoto } from '../shared/photos.ts';
import type { UploadItem } from '../upload/types.ts';
import { cardModels, ulidTime } from './cards.ts';

const photo = (
  photo_id: string,
  status: ApiPhoto['status'],
  reason: string | null = null,
  reason_code: string | null = null,
  filename: string | null = null,
): ApiPhoto => ({
  photo_id,
  status,
  uploaded_at: null,
  taken_at: null,
  gps: null,
  width: 1200,
  height: 900,
  thumbnails: status === 'ready' ? { small: 's', large: 'l' } : null,
  reason,
  reason_code,
  filename,
});

const item = (over: Partial<UploadItem>): UploadItem => ({
  id: 'local-1',
  jobId: 'job-demo-1',
  filename: 'IMG_1.jpg',
  contentType: 'image/jpeg',
  size: 10,
  file: null,
  addedAt: 2_000_000_000_000,
  state: 'uploaded',
  attempts: 0,
  progress: 1,
  photoId: null,
  grantIds: [],
  reason: null,
  nextTryAt: null,
  ...over,
});

describe('cardModels', () => {
  it('keeps one card per picked photo across its grants, named by its file, with the verdict', () => {
    const cards = cardModels(
      [item({ photoId: 'B', grantIds: ['A', 'B'] })],
      [
        photo('A', 'pending'),
        photo('B', 'rejected', 'The file is 10485761 bytes; the limit is 10485760 bytes.', 'too_large'),
      ],
      new Map(),
    );
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({
      filename: 'IMG_1.jpg',
      state: 'refused',
      label: 'Refused: larger than 10 MB',
    });
  });

  it('says "checking" for its own sent photo, "waiting for the upload" for another phone’s', () => {
    const cards = cardModels(
      [item({ photoId: 'A', grantIds: ['A'] })],
      [photo('A', 'pending'), photo('01M8T1WASQV6RFFNDBYRWNV6Z6', 'pending')],
      new Map(),
    );
    expect(cards.map((c) => c.label).sort()).toEqual([
      'Uploaded — checking…',
      'Waiting for the upload to arrive',
    ]);
  });

  it('shows a queued photo as waiting for a connection when offline, and sorts newest first', () => {
    const cards = cardModels(
      [item({ id: 'old', state: 'queued', addedAt: 1 }), item({ id: 'new', state: 'queued', addedAt: 2 })],
      [],
      new Map(),
      false,
    );
    expect(cards.map((c) => [c.key, c.label])).toEqual([
      ['new', 'Waiting for a connection…'],
      ['old', 'Waiting for a connection…'],
    ]);
  });

  it('names another phone’s photo by the filename the API keeps', () => {
    const cards = cardModels(
      [],
      [photo('01M8T1WASQV6RFFNDBYRWNV6Z6', 'rejected', 'not a photo', 'not_an_image', 'notes.jpg')],
      new Map(),
    );
    expect(cards[0]).toMatchObject({ filename: 'notes.jpg', label: 'Refused: not a photo' });
  });

  it('reads the time out of a ULID', () => {
    expect(ulidTime('01ARYZ6S41TSV4RRFFQ69G5FAV')).toBe(1469918176385);
    expect(ulidTime('job-demo-1')).toBe(0);
  });
});
