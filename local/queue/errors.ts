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

/** A request the local SQS endpoint refuses in SQS's words: the error type and a message (HTTP 400). */
export class SqsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'SqsFault';
  }
}
