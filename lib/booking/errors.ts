/** Base of the booking module's errors. */
export class BookingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BookingError';
  }
}

/** The request cannot be priced (a size and debris kind that do not go together, too many days). */
export class UnpriceableError extends BookingError {
  constructor(message: string) {
    super(message);
    this.name = 'UnpriceableError';
  }
}

/** The quote's state does not allow the action (already confirmed, expired, another method chosen). */
export class QuoteStateError extends BookingError {
  constructor(
    readonly status: string,
    message: string,
  ) {
    super(message);
    this.name = 'QuoteStateError';
  }
}
