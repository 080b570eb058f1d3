/** A permanent verdict on an object: recorded, acknowledged, never retried. */
export class VerdictError extends Error {
  readonly status: 'rejected' | 'missing';
  readonly code: string;

  constructor(status: 'rejected' | 'missing', code: string, message: string) {
    super(message);
    this.name = 'VerdictError';
    this.status = status;
    this.code = code;
  }
}

/** Rejects an object: wrong size, not an image, or not the declared type. */
export const reject = (code: string, message: string) => new VerdictError('rejected', code, message);
