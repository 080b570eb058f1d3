import { ImageRejectedError } from './image-errors.ts';

/** The verdict for an image whose declared size is over the cap; megapixels keep it readable. */
export function tooManyPixelsError(
  width: number,
  height: number,
  maxInputPixels: number,
): ImageRejectedError {
  return new ImageRejectedError(
    'too_many_pixels',
    `The image is ${width}×${height} (${megapixels(width * height)} MP), more than the ` +
      `${megapixels(maxInputPixels)} MP limit`,
  );
}

/** The verdict for bytes that are no photo format we render. */
export function unsupportedError(received: string, cause?: unknown): ImageRejectedError {
  return new ImageRejectedError(
    'unsupported',
    `The file is not a supported image (expected JPEG, PNG, WebP or HEIC; received ${received})`,
    { cause },
  );
}

/**
 * Turns an error thrown while sharp or the HEIC decoder read an upload into a verdict, or
 * returns `undefined` when it is not the file's fault (a bad parameter is our bug, running out
 * of memory is worth a retry), so the caller rethrows it and the queue retries.
 *
 * Anything else those decoders throw comes from the bytes themselves: a retry would fail the
 * same way, so it is a permanent 'corrupt' verdict rather than a trip to the DLQ.
 */
export function classifyDecodeError(
  error: unknown,
  context: { maxInputPixels?: number } = {},
): ImageRejectedError | undefined {
  if (error instanceof ImageRejectedError) return error;
  if (!(error instanceof Error)) return undefined;
  const message = error.message;
  if (/^Expected /.test(message) || /out of memory|cannot allocate|ENOMEM/i.test(message)) return undefined;
  if (/exceeds pixel limit/i.test(message)) {
    const limit = context.maxInputPixels ? `the ${megapixels(context.maxInputPixels)} MP limit` : 'the limit';
    return new ImageRejectedError('too_many_pixels', `The image has more pixels than ${limit}`, {
      cause: error,
    });
  }
  if (/unsupported image format|not a HEIC image/i.test(message)) return unsupportedError('unknown', error);
  return new ImageRejectedError('corrupt', `The image is corrupt or truncated (${detail(message)})`, {
    cause: error,
  });
}

/** First telling line of a libvips error, without its "Input buffer has corrupt header: VipsJpeg: " prefixes. */
function detail(message: string): string {
  const lines = message
    .replace(/^Input (buffer|Buffer) has corrupt header:\s*/, '')
    .split('\n')
    .map((line) => line.trim())
    // A failed HEIF read lists a "source: bad seek to N" line per retry before the real cause.
    .filter((line) => line !== '' && !/^source: bad seek/.test(line));
  const text = (lines[0] ?? '').replace(/^[A-Za-z_]+:\s*/, '');
  if (text === '') return 'unreadable data';
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function megapixels(pixels: number): string {
  return (pixels / 1_000_000).toFixed(1);
}
