import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../lib/topology/topology.ts';
import type { Topology } from '../lib/topology/types.ts';
import { ofType, synthStack } from './helpers/infra-template.ts';
import { type LocalStack, startLocalStack } from './helpers/local-stack.ts';

// One edit to the topology: the uploads queue dead-letters after 7 receives instead of 5, and
// the thumbnails consumer takes batches of 4.
const changed: Topology = {
  ...topology,
  queues: {
    ...topology.queues,
    uploads: { ...topology.queues.uploads, maxReceiveCount: 7 },
    thumbnails: {
      ...topology.queues.thumbnails,
      consumer: { ...topology.queues.thumbnails.consumer, batchSize: 4 },
    },
  },
};

let local: LocalStack;
beforeAll(async () => {
  expect(topology.queues.uploads.maxReceiveCount).not.toBe(7);
  local = await startLocalStack({}, { topology: changed, pollers: false, schedules: false });
});
afterAll(() => local?.stop());

describe('one topology edit reaches both runtimes', () => {
  it('shows in the synthesized template', () => {
    const { resources } = synthStack({ topology: changed });
    const uploads = ofType(resources, 'AWS::SQS::Queue').find(
      ([, q]) => q.Properties.QueueName === changed.queues.uploads.name,
    );
    expect(uploads?.[1].Properties.RedrivePolicy.maxReceiveCount).toBe(7);
    const batchSizes = ofType(resources, 'AWS::Lambda::EventSourceMapping').map(
      ([, m]) => m.Properties.BatchSize,
    );
    expect(batchSizes.sort()).toEqual([4, changed.queues.uploads.consumer.batchSize].sort());
  });

  it('shows in the local runtime: the 8th receive dead-letters the message, not the 6th', () => {
    const { queues, pollers } = local.runtime;
    const q = changed.queues.uploads;
    expect(queues.definition(q.name).redrive?.maxReceiveCount).toBe(7);
    expect(pollers.find((p) => p.queue === changed.queues.thumbnails.name)).toBeDefined();

    // The local S3 announces its notification with an s3:TestEvent; start from an empty queue.
    queues.purge(q.name);
    const body = 'a message no consumer takes';
    queues.send(q.name, body);
    let receives = 0;
    // Visibility 0: each receive makes the message visible again at once, as a failed try would.
    for (let got = queues.receive(q.name, 1, 0); got.length > 0; got = queues.receive(q.name, 1, 0)) {
      expect(got[0]?.body).toBe(body);
      receives += 1;
    }
    expect(receives).toBe(7);
    expect(queues.counts(q.dlqName).visible).toBe(1);
    expect(queues.peek(q.dlqName)[0]).toMatchObject({ body, receiveCount: 7, deadLetterSourceQueue: q.name });
  });
});
