/** Base class of every failure met while locating or parsing EXIF; never escapes `readExif`. */
export class ExifError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExifError';
  }
}

/** The container (JPEG, PNG, RIFF, ISO-BMFF or TIFF) is malformed or uses an unsupported feature. */
export class ExifFormatError extends ExifError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExifFormatError';
  }
}

/** Locating EXIF would take more ranged reads or bytes than the budget allows. */
export class ExifBudgetError extends ExifError {
  /** What the budget allowed: reads and bytes. */
  readonly limit: { requests: number; bytes: number };
  /** What had been spent when the next read was refused. */
  readonly spent: { requests: number; bytes: number };

  constructor(
    message: string,
    limit: { requests: number; bytes: number },
    spent: { requests: number; bytes: number },
  ) {
    super(message);
    this.name = 'ExifBudgetError';
    this.limit = limit;
    this.spent = spent;
  }
}

/**
 * The range reader itself failed (S3 throttling, timeout, network). Not an ExifError: it says
 * nothing about the file, so `readExif` rethrows its `cause` for the handler to retry.
 */
export class RangeReadError extends Error {
  constructor(start: number, endInclusive: number, cause: unknown) {
    super(`Range read of bytes ${start}-${endInclusive} failed`, { cause });
    this.name = 'RangeReadError';
  }
}
