import { describe, expect, it } from 'vitest';
import { plainReason } from './reasons.ts';

describe('plainReason', () => {
  it('says what people understand instead of byte counts and MIME types', () => {
    expect(
      plainReason('rejected', 'The file is 10485761 bytes; the limit is 10485760 bytes.', 'too_large'),
    ).toBe('larger than 10 MB');
    expect(
      plainReason('rejected', 'The file is not a JPEG, PNG, WebP or HEIC photo (HTML text).', 'not_an_image'),
    ).toBe('not a photo');
    expect(
      plainReason('rejected', 'The file was declared image/png but is really image/jpeg.', 'type_mismatch'),
    ).toBe('not the kind of photo its name says');
    expect(plainReason('rejected', 'The image is corrupt or truncated (premature end)', 'corrupt')).toBe(
      'the photo is damaged or cut off',
    );
  });

  it('never reads the wording of the reason: without a code, the status speaks', () => {
    expect(plainReason('rejected', 'The file is not a JPEG, PNG, WebP or HEIC photo (HTML text).')).toBe(
      'refused',
    );
  });

  it('uses the reason code whatever the sentence says', () => {
    expect(plainReason('rejected', 'anything', 'too_large', 5 * 1024 * 1024)).toBe('larger than 5 MB');
    expect(plainReason('rejected', null, 'unsupported_type')).toBe('not a photo');
  });

  it('falls back to the status for the loose ends', () => {
    expect(plainReason('abandoned', null)).toBe('the upload expired before the photo arrived');
    expect(plainReason('missing', null)).toBe('the upload disappeared before it was checked');
    expect(plainReason('failed', 'The upload could not be checked: timeout')).toBe(
      'could not be processed — ops can retry it',
    );
  });
});
