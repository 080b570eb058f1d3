import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from '../lambda-context.ts';
import type { QueueStore } from './queue-store.ts';
import { toSqsEvent } from './sqs-event.ts';
import type { ReceivedMessage } from './types.ts';

/** A Lambda handler for SQS batches, as the functions export it. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined | null>;

/** Settings of one event-source mapping. */
export interface PollerOptions {
  store: QueueStore;
  queue: string;
  region: string;
  handler: SqsHandler;
  functionName: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  maxConcurrency: number;
  timeoutSeconds: number;
  /** How long to wait when the queue is empty (long polling stand-in). */
  idleMs?: number;
  log?: (entry: Record<string, unknown>) => void;
}

/** What one invocation did with its batch. */
export interface BatchOutcome {
  delivered: number;
  deleted: number;
  failed: number;
  error?: string;
}

/**
 * Emulates the Lambda SQS event-source mapping: receives batches, invokes the handler with a real
 * `SQSEvent`, deletes what succeeded and leaves the rest to reappear after the visibility timeout.
 * With `ReportBatchItemFailures` semantics: a thrown handler, a timeout or a malformed response
 * fails the whole batch; `batchItemFailures` fails only the records it names.
 */
export class Poller {
  readonly #o: PollerOptions;
  readonly #inFlight = new Set<Promise<unknown>>();
  #running = false;
  #wake: (() => void) | undefined;
  /** Batches gathering during their window, woken when a message arrives. */
  readonly #gatherers = new Set<() => void>();
  #loop: Promise<void> | undefined;

  constructor(options: PollerOptions) {
    this.#o = options;
  }

  /** The queue this poller consumes. */
  get queue(): string {
    return this.#o.queue;
  }

  /** Starts polling in the background. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Wakes an idle poller (a message was just sent). */
  nudge(): void {
    this.#wake?.();
    for (const gatherer of [...this.#gatherers]) gatherer();
  }

  /** Stops receiving and waits for the batches in flight to finish. */
  async stop(): Promise<void> {
    this.#running = false;
    this.nudge();
    await this.#loop;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Receives one batch and processes it; returns null when the queue had nothing visible. */
  async pollOnce(): Promise<BatchOutcome | null> {
    const messages = this.#o.store.receive(this.#o.queue, this.#o.batchSize);
    return messages.length === 0 ? null : this.#gatherAndInvoke(messages);
  }

  async #run(): Promise<void> {
    while (this.#running) {
      if (this.#inFlight.size >= this.#o.maxConcurrency) {
        await Promise.race(this.#inFlight);
        continue;
      }
      let messages: ReceivedMessage[];
      try {
        messages = this.#o.store.receive(this.#o.queue, this.#o.batchSize);
      } catch (error) {
        this.#log({ level: 'error', msg: 'receive failed', error: String(error) });
        messages = [];
      }
      if (messages.length === 0) {
        await this.#idle();
        continue;
      }
      const task: Promise<unknown> = this.#gatherAndInvoke(messages)
        .catch((error) => this.#log({ level: 'error', msg: 'batch failed', error: String(error) }))
        .finally(() => this.#inFlight.delete(task));
      this.#inFlight.add(task);
    }
  }

  async #gatherAndInvoke(first: ReceivedMessage[]): Promise<BatchOutcome> {
    const { store, queue, batchSize, maxBatchingWindowSeconds } = this.#o;
    let messages = first;
    if (messages.length < batchSize && maxBatchingWindowSeconds > 0) {
      // Gather more for up to the batching window, as the event-source mapping does — and, as it
      // does, invoke as soon as the batch is full instead of sleeping out the whole window.
      const deadline = Date.now() + maxBatchingWindowSeconds * 1000;
      while (messages.length < batchSize) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        await this.#arrivalOr(left);
        messages = messages.concat(store.receive(queue, batchSize - messages.length));
      }
      if (messages.length < batchSize) {
        messages = messages.concat(store.receive(queue, batchSize - messages.length));
      }
    }
    return this.#invoke(messages);
  }

  /** Resolves on the next nudge (a message was sent) or after `ms`, whichever is first. */
  #arrivalOr(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const listener = () => done();
      this.#gatherers.add(listener);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#gatherers.delete(listener);
        resolve();
      }
    });
  }

  async #invoke(messages: ReceivedMessage[]): Promise<BatchOutcome> {
    const { store, queue, region, handler, functionName, timeoutSeconds } = this.#o;
    const event = toSqsEvent(region, queue, messages);
    const ids = new Set(messages.map((m) => m.messageId));
    let failedIds: Set<string>;
    let error: string | undefined;
    try {
      const response = await withTimeout(
        handler(event, lambdaContext(functionName, timeoutSeconds)),
        timeoutSeconds,
      );
      failedIds = failuresOf(response, ids);
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      failedIds = ids;
    }
    let deleted = 0;
    for (const m of messages) {
      if (failedIds.has(m.messageId)) {
        // A consumer may have said why itself (the functions do, through the runtime): keep that.
        if (error) store.recordError(queue, m.receiptHandle, error);
        else
          store.recordError(queue, m.receiptHandle, 'reported in batchItemFailures', { keepExisting: true });
        continue;
      }
      try {
        store.delete(queue, m.receiptHandle);
        deleted++;
      } catch {
        // The visibility timeout passed and someone else received it: theirs to delete.
      }
    }
    const outcome = {
      delivered: messages.length,
      deleted,
      failed: failedIds.size,
      ...(error ? { error } : {}),
    };
    this.#log({ level: failedIds.size ? 'warn' : 'debug', msg: 'batch processed', queue, ...outcome });
    return outcome;
  }

  #idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.#o.idleMs ?? 250);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  #log(entry: Record<string, unknown>): void {
    this.#o.log?.({ poller: this.#o.functionName, ...entry });
  }
}

/** Which messages failed, per the Lambda rules for `ReportBatchItemFailures` responses. */
export function failuresOf(response: unknown, ids: Set<string>): Set<string> {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object') return ids;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return ids;
  const failed = new Set<string>();
  for (const item of failures) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    // An empty, missing or unknown identifier makes Lambda treat the whole batch as failed.
    if (typeof id !== 'string' || !ids.has(id)) return ids;
    failed.add(id);
  }
  return failed;
}

function withTimeout<T>(promise: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Task timed out after ${seconds} seconds`)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
