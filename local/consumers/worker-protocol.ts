import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Config } from '../../lib/config/config.ts';
import type { FunctionName, Topology } from '../../lib/topology/types.ts';

/** What the consumers' worker is started with. */
export interface ConsumerWorkerData {
  config: Config;
  topology: Topology;
  /** The fault switches active at start, as `stage:mode` strings. */
  faults: string[];
}

/** Messages to the consumers' worker. */
export type ToConsumerWorker =
  | {
      type: 'invoke';
      id: number;
      function: FunctionName;
      event: SQSEvent;
      /** What the poller's Lambda context had left of the function's timeout. */
      remainingMs: number;
    }
  | { type: 'faults'; faults: string[] }
  | { type: 'close' };

/** Messages from the consumers' worker to the thread that started it. */
export type FromConsumerWorker =
  | { type: 'ready'; functions: FunctionName[] }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; value: SQSBatchResponse | undefined | null }
  | { type: 'error'; id: number; name: string; message: string; stack?: string }
  | { type: 'record-error'; queue: string; receiptHandle: string; reason: string }
  | { type: 'closed' };
