/** An ops call named a queue the topology does not declare. */
export class UnknownQueueError extends Error {
  constructor(
    readonly queue: string,
    readonly known: string[],
  ) {
    super(`Expected a queue of ${known.join(', ')} but received "${queue}"`);
    this.name = 'UnknownQueueError';
  }
}

/** A reconcile cursor that this code did not write (or from an older version). */
export class InvalidCursorError extends Error {
  constructor(detail: string) {
    super(`Expected a cursor returned by a previous reconcile but ${detail}`);
    this.name = 'InvalidCursorError';
  }
}

/** A list cursor (`/ops/photos`, `/ops/zelle`) that does not decode to a position in that list. */
export class InvalidListCursorError extends Error {
  constructor() {
    super('Expected the cursor returned by the previous page of this list.');
    this.name = 'InvalidListCursorError';
  }
}
