/** Why an image was refused; each is a permanent verdict, never worth a retry. */
export type ImageRejectionReason = 'corrupt' | 'too_many_pixels' | 'unsupported' | 'too_large';

/**
 * Raised when an upload cannot become thumbnails: the bytes are broken, hostile, too big or not a
 * photo format we render. The handler records `reason` as the photo's verdict and acknowledges
 * the message; the human `message` is safe to show to the crew.
 */
export class ImageRejectedError extends Error {
  /** The verdict, stable for code and metrics. */
  readonly reason: ImageRejectionReason;

  constructor(reason: ImageRejectionReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageRejectedError';
    this.reason = reason;
  }
}
