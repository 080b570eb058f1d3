/** Raised when a secret is missing or malformed: the function cannot start. */
export class BookingSecretsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BookingSecretsError';
  }
}

/** Stripe refused an idempotency key reused with other parameters: another call got there first. */
export class CheckoutRaceError extends Error {
  constructor(quoteId: string, options: { cause?: unknown }) {
    super(`Expected to open the Checkout Session of quote ${quoteId} but a concurrent call did`, options);
    this.name = 'CheckoutRaceError';
  }
}
