/**
 * Raised when the place of an accepted original already holds other bytes: the photo was accepted
 * from another object, and this one (a later write through the same grant) may not replace it.
 */
export class OriginalTakenError extends Error {
  constructor(bucket: string, key: string) {
    super(
      `Expected s3://${bucket}/${key} to be free or to hold these bytes but it holds another accepted original`,
    );
    this.name = 'OriginalTakenError';
  }
}
