import { describe, expect, it } from 'vitest';
import { classifyDecodeError, tooManyPixelsError } from './decode-failure.ts';
import { ImageRejectedError } from './image-errors.ts';

describe('classifyDecodeError', () => {
  it.each([
    ['Input image exceeds pixel limit', 'too_many_pixels', 'The image has more pixels than the limit'],
    [
      'Input buffer contains unsupported image format',
      'unsupported',
      'The file is not a supported image (expected JPEG, PNG, WebP or HEIC; received unknown)',
    ],
    ['input buffer is not a HEIC image', 'unsupported', expect.stringContaining('not a supported image')],
    [
      'VipsJpeg: premature end of JPEG image',
      'corrupt',
      'The image is corrupt or truncated (premature end of JPEG image)',
    ],
    ['vipspng: libpng read error', 'corrupt', 'The image is corrupt or truncated (libpng read error)'],
    [
      'Input buffer has corrupt header: source: bad seek to 1024\nsource: bad seek to 512\nheif: Invalid input: No meta box',
      'corrupt',
      'The image is corrupt or truncated (Invalid input: No meta box)',
    ],
    ['HEIF processing error', 'corrupt', 'The image is corrupt or truncated (HEIF processing error)'],
  ])('turns "%s" into a %s verdict', (message, reason, human) => {
    // Prepare
    const cause = new Error(message);
    // Act
    const verdict = classifyDecodeError(cause);
    // Assess
    expect(verdict).toBeInstanceOf(ImageRejectedError);
    expect(verdict).toMatchObject({ name: 'ImageRejectedError', reason, message: human });
    expect(verdict?.cause).toBe(cause);
  });

  it.each([
    'Expected positive integer for limitInputPixels but received -1 of type number',
    'vips_malloc: out of memory --- size == 1GB',
  ])('leaves "%s" to the caller: not the file’s fault', (message) => {
    expect(classifyDecodeError(new Error(message))).toBeUndefined();
  });

  it('names the configured cap when it knows it', () => {
    expect(
      classifyDecodeError(new Error('Input image exceeds pixel limit'), { maxInputPixels: 100_000_000 }),
    ).toMatchObject({
      reason: 'too_many_pixels',
      message: 'The image has more pixels than the 100.0 MP limit',
    });
  });

  it('passes a verdict through and ignores non-errors', () => {
    // Prepare
    const verdict = tooManyPixelsError(16_000, 16_000, 100_000_000);
    // Act / Assess
    expect(classifyDecodeError(verdict)).toBe(verdict);
    expect(verdict.message).toBe('The image is 16000×16000 (256.0 MP), more than the 100.0 MP limit');
    expect(classifyDecodeError('boom')).toBeUndefined();
  });
});
