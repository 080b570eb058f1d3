/** A queue operation named a queue that does not exist. */
export class QueueDoesNotExistError extends Error {
  constructor(queue: string) {
    super(`Expected an existing queue but received "${queue}"`);
    this.name = 'QueueDoesNotExistError';
  }
}

/** A receipt handle is unknown, stale (the message was received again) or already deleted. */
export class ReceiptHandleIsInvalidError extends Error {
  constructor(handle: string) {
    super(`The receipt handle "${handle}" is not valid for any message in flight`);
    this.name = 'ReceiptHandleIsInvalidError';
  }
}
