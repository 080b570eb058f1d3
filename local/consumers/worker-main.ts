import { parentPort } from 'node:worker_threads';
import type { FunctionName } from '../../lib/topology/types.ts';
import { FaultSwitch } from '../faults/faults.ts';
import { localConsumers } from '../functions.ts';
import { lambdaContext } from '../lambda-context.ts';
import type { SqsHandler } from '../queue/poller.ts';
import { workerOptions } from '../worker/start.ts';
import type { ConsumerWorkerData, FromConsumerWorker, ToConsumerWorker } from './worker-protocol.ts';

// Runs the queue consumers (on-upload, thumbnail) on this worker thread (see worker-host.ts): the
// same handlers, built from the same config, called with the SQS events the main thread's pollers
// receive.
const port = parentPort;
if (!port) throw new Error('Expected to run in a worker thread (local/consumers/worker-host.ts)');
const { config, topology, faults: initialFaults } = workerOptions<ConsumerWorkerData>();
const post = (message: FromConsumerWorker) => port.postMessage(message);
// A copy of the main thread's switches, kept current by its `faults` messages.
const faults = new FaultSwitch(initialFaults.join(','));
const handlers = new Map<FunctionName, SqsHandler>();

port.on('message', (message: ToConsumerWorker) => {
  switch (message.type) {
    case 'invoke': {
      const handler = handlers.get(message.function);
      // The poller's deadline: what is left of the function's timeout when the batch was handed over.
      const context = lambdaContext(message.function, message.remainingMs / 1000);
      Promise.resolve()
        .then(() => {
          if (!handler) throw new Error(`Expected a consumer named ${message.function} on the worker`);
          return handler(message.event, context);
        })
        .then(
          (value) => post({ type: 'result', id: message.id, value: value ?? null }),
          (error: unknown) => {
            const e = error instanceof Error ? error : new Error(String(error));
            post({ type: 'error', id: message.id, name: e.name, message: e.message, stack: e.stack });
          },
        );
      return;
    }
    case 'faults':
      faults.set(message.faults.join(','));
      return;
    case 'close':
      post({ type: 'closed' });
      port.close();
      return;
  }
});

try {
  for (const [name, load] of Object.entries(localConsumers) as Array<
    [FunctionName, NonNullable<(typeof localConsumers)[FunctionName]>]
  >) {
    handlers.set(
      name,
      await load(config, topology, {
        checkFault: (stage) => faults.check(stage),
        // Posted before the invocation's result on the same port, so the main thread records it
        // before its poller acts on the batch response.
        recordError: (queue, receiptHandle, reason) =>
          post({ type: 'record-error', queue, receiptHandle, reason }),
      }),
    );
  }
  post({ type: 'ready', functions: [...handlers.keys()] });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  port.close();
}
