import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/config.ts';
import { topology } from '../../lib/topology/topology.ts';
import { FaultSwitch } from '../faults/faults.ts';
import { lambdaContext } from '../lambda-context.ts';
import { type ConsumerWorker, startConsumersInWorker } from './worker-host.ts';

// Nothing listens on port 9: the stage's AWS calls fail fast, and none is needed for a message
// whose body is not an event (it fails before any call).
const nowhere = 'http://127.0.0.1:9';
const config = {
  ...loadConfig({ QDN_LOG_LEVEL: 'error' }),
  endpoints: { s3: nowhere, dynamodb: nowhere, events: nowhere, sqs: nowhere },
};
const faults = new FaultSwitch();
const recorded: Array<{ queue: string; receiptHandle: string; reason: string; beforeResult: boolean }> = [];
let answered = false;
let consumers: ConsumerWorker;

beforeAll(async () => {
  consumers = await startConsumersInWorker({
    config,
    topology,
    faults,
    recordError: (queue, receiptHandle, reason) =>
      recorded.push({ queue, receiptHandle, reason, beforeResult: !answered }),
  });
}, 30_000);
afterAll(async () => {
  await consumers?.close();
});

function eventOf(messageId: string, body: string): SQSEvent {
  return {
    Records: [
      {
        messageId,
        receiptHandle: `handle-${messageId}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${topology.queues.thumbnails.name}`,
        awsRegion: 'us-east-1',
      },
    ],
  };
}

async function invoke(messageId: string, body: string) {
  answered = false;
  const handler = consumers.handlers.thumbnail;
  if (!handler) throw new Error('Expected a thumbnail consumer on the worker');
  const out = await handler(eventOf(messageId, body), lambdaContext('thumbnail', 30));
  answered = true;
  return out;
}

describe('the queue consumers on their worker thread', () => {
  it('offers the two consumers the pollers call', () => {
    expect(Object.keys(consumers.handlers).sort()).toEqual(['on-upload', 'thumbnail']);
  });

  it("answers a batch with the handler's own response, the failure's reason handed back first", async () => {
    const out = await invoke('m1', 'not an event');
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    const kept = recorded.find((r) => r.receiptHandle === 'handle-m1');
    expect(kept).toMatchObject({ queue: topology.queues.thumbnails.name, beforeResult: true });
    expect(kept?.reason).toMatch(/Expected a photo\.received event in message m1/);
  }, 30_000);

  it('follows the fault switches of the thread that started it', async () => {
    faults.set('thumbnail:transient');
    try {
      await invoke('m2', 'not an event');
      expect(recorded.find((r) => r.receiptHandle === 'handle-m2')?.reason).toMatch(/transient fault/i);
    } finally {
      faults.set('');
    }
    await invoke('m3', 'not an event');
    expect(recorded.find((r) => r.receiptHandle === 'handle-m3')?.reason).toMatch(
      /Expected a photo\.received/,
    );
  }, 30_000);
});
