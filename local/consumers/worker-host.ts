import type { SQSBatchResponse } from 'aws-lambda';
import type { Config } from '../../lib/config/config.ts';
import type { FunctionName, Topology } from '../../lib/topology/types.ts';
import type { FaultSwitch } from '../faults/faults.ts';
import type { SqsHandler } from '../queue/poller.ts';
import { runWorker } from '../worker/start.ts';
import type { ConsumerWorkerData, FromConsumerWorker, ToConsumerWorker } from './worker-protocol.ts';

const MAIN = new URL('./worker-main.ts', import.meta.url);

/** The consumers running on their worker thread, as the pollers call them. */
export interface ConsumerWorker {
  handlers: Partial<Record<FunctionName, SqsHandler>>;
  /** Stops the thread; call once the pollers have stopped (no batch in flight). */
  close(): Promise<void>;
}

/**
 * Starts the queue consumers (`localConsumers`: on-upload, thumbnail) on their own worker thread
 * of this process. Their JavaScript — the SDK calls, reading and hashing each 3.3 MB original,
 * EXIF parsing, handing work to sharp — then no longer shares the event loop that answers the
 * API, so `POST /upload-url` is not kept waiting behind a burst's thumbnails (bench/RESULTS.md).
 * The pollers stay with the queues on this thread and call the returned handlers; a failed
 * delivery's reason comes back to `recordError`, and the fault switches follow `faults`.
 */
export async function startConsumersInWorker(options: {
  config: Config;
  topology: Topology;
  faults: FaultSwitch;
  recordError(queue: string, receiptHandle: string, reason: string): void;
  /** The thread ended without being asked to (a crash): no consumer runs any more. */
  onCrash?(code: number): void;
}): Promise<ConsumerWorker> {
  const data: ConsumerWorkerData = {
    config: options.config,
    topology: options.topology,
    faults: options.faults.list(),
  };
  let next = 0;
  const pending = new Map<
    number,
    { resolve(value: SQSBatchResponse | null): void; reject(e: Error): void }
  >();
  let unfollow = () => {};
  const running = await runWorker<FromConsumerWorker>(MAIN, data, {
    name: "the consumers' worker",
    thread: 'qdn-consumers',
    onCrash: options.onCrash,
    failure: (message) => new Error(message.message),
    onMessage: (message) => {
      switch (message.type) {
        case 'result':
          pending.get(message.id)?.resolve(message.value ?? null);
          pending.delete(message.id);
          return;
        case 'error': {
          const error = Object.assign(new Error(message.message), { name: message.name });
          if (message.stack) error.stack = message.stack;
          pending.get(message.id)?.reject(error);
          pending.delete(message.id);
          return;
        }
        case 'record-error':
          options.recordError(message.queue, message.receiptHandle, message.reason);
          return;
      }
    },
    // An uncaught error ends the thread: what was in flight fails, and the messages of those
    // batches return to their queues as after a crash.
    onExit: (code) => {
      unfollow();
      for (const p of pending.values())
        p.reject(new Error(`The consumers' worker thread exited (code ${code})`));
      pending.clear();
    },
  });
  const send = (message: ToConsumerWorker) => running.worker.postMessage(message);
  // Changes from now on follow; one made while the worker started is sent at once.
  unfollow = options.faults.onChange((faults) => send({ type: 'faults', faults }));
  send({ type: 'faults', faults: options.faults.list() });
  const handler =
    (name: FunctionName): SqsHandler =>
    (event, context) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        send({ type: 'invoke', id, function: name, event, remainingMs: context.getRemainingTimeInMillis() });
      });
  return {
    handlers: Object.fromEntries(running.ready.functions.map((name) => [name, handler(name)])),
    close: running.close,
  };
}
