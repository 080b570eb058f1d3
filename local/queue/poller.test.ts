import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { failuresOf, Poller, type SqsHandler } from './poller.ts';
import { QueueStore } from './queue-store.ts';

function setup(handler: SqsHandler, maxReceiveCount = 2) {
  const clock = { now: 5_000_000 };
  const store = new QueueStore({ path: ':memory:', now: () => clock.now });
  store.define({ name: 'q-dlq', visibilityTimeoutSeconds: 30, retentionSeconds: 86400 });
  store.define({
    name: 'q',
    visibilityTimeoutSeconds: 30,
    retentionSeconds: 86400,
    redrive: { deadLetterQueue: 'q-dlq', maxReceiveCount },
  });
  const poller = new Poller({
    store,
    queue: 'q',
    region: 'us-east-1',
    handler,
    functionName: 'test-fn',
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    maxConcurrency: 1,
    timeoutSeconds: 2,
  });
  return { store, clock, poller };
}

describe('Poller', () => {
  it('hands the handler a real SQSEvent', async () => {
    let seen: SQSEvent | undefined;
    const { store, poller } = setup(async (event) => {
      seen = event;
      return { batchItemFailures: [] };
    });
    store.send('q', '{"n":1}');
    await poller.pollOnce();
    const record = seen?.Records[0];
    expect(record).toMatchObject({
      body: '{"n":1}',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '1', SenderId: '000000000000' },
    });
    expect(record?.receiptHandle).toEqual(expect.any(String));
    expect(record?.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
  });

  it('deletes succeeded records and keeps only those in batchItemFailures', async () => {
    const { store, clock, poller } = setup(async (event) => ({
      batchItemFailures: event.Records.filter((r) => r.body === 'bad').map((r) => ({
        itemIdentifier: r.messageId,
      })),
    }));
    for (const body of ['a', 'bad', 'b']) store.send('q', body);
    const outcome = await poller.pollOnce();
    expect(outcome).toMatchObject({ delivered: 3, deleted: 2, failed: 1 });
    clock.now += 30_000;
    expect(store.receive('q', 10).map((m) => m.body)).toEqual(['bad']);
  });

  it('fails the whole batch when the handler throws, and dead-letters after maxReceiveCount', async () => {
    const { store, clock, poller } = setup(async () => {
      throw new Error('boom');
    });
    store.send('q', 'x');
    store.send('q', 'y');
    expect(await poller.pollOnce()).toMatchObject({
      delivered: 2,
      deleted: 0,
      failed: 2,
      error: 'Error: boom',
    });
    clock.now += 30_000;
    await poller.pollOnce();
    clock.now += 30_000;
    expect(await poller.pollOnce()).toBeNull();
    expect(store.counts('q-dlq').visible).toBe(2);
    expect(store.peek('q-dlq')[0]?.lastError).toBe('Error: boom');
  });

  it('treats an unknown itemIdentifier or a malformed response as a failed batch', () => {
    const ids = new Set(['a', 'b']);
    expect(failuresOf({ batchItemFailures: [{ itemIdentifier: 'zzz' }] }, ids)).toEqual(ids);
    expect(failuresOf({ batchItemFailures: [{ itemIdentifier: '' }] }, ids)).toEqual(ids);
    expect(failuresOf({ batchItemFailures: 'a' }, ids)).toEqual(ids);
    expect(failuresOf('nope', ids)).toEqual(ids);
    expect(failuresOf(undefined, ids)).toEqual(new Set());
    expect(failuresOf({ batchItemFailures: [] }, ids)).toEqual(new Set());
    expect(failuresOf({ batchItemFailures: [{ itemIdentifier: 'b' }] }, ids)).toEqual(new Set(['b']));
  });

  it('fails the batch when the handler runs past its timeout', async () => {
    const { store, poller } = setup(() => new Promise(() => undefined));
    store.send('q', 'slow');
    const outcome = await poller.pollOnce();
    expect(outcome).toMatchObject({ deleted: 0, failed: 1, error: 'Error: Task timed out after 2 seconds' });
  });

  it('polls in the background and finishes in-flight batches on stop', async () => {
    const done: string[] = [];
    const { store, poller } = setup(async (event) => {
      await new Promise((r) => setTimeout(r, 50));
      done.push(...event.Records.map((r) => r.body));
      return { batchItemFailures: [] };
    });
    poller.start();
    store.send('q', 'one');
    poller.nudge();
    await expect.poll(() => done.length, { timeout: 5000 }).toBe(1);
    store.send('q', 'two');
    poller.nudge();
    await new Promise((r) => setTimeout(r, 10));
    await poller.stop();
    expect(store.counts('q')).toMatchObject({ visible: done.includes('two') ? 0 : 1 });
  });
  it('closes the batching window as soon as the batch is full, as the event-source mapping does', async () => {
    const store = new QueueStore({ path: ':memory:' });
    store.define({ name: 'w', visibilityTimeoutSeconds: 30, retentionSeconds: 86400 });
    const batches: string[][] = [];
    const poller = new Poller({
      store,
      queue: 'w',
      region: 'us-east-1',
      handler: async (event) => {
        batches.push(event.Records.map((r) => r.body));
        return { batchItemFailures: [] };
      },
      functionName: 'test-fn',
      batchSize: 3,
      // Far longer than the test's timeout: only closing early can pass.
      maxBatchingWindowSeconds: 60,
      maxConcurrency: 1,
      timeoutSeconds: 2,
    });
    store.send('w', 'a');
    const outcome = poller.pollOnce();
    await new Promise((r) => setTimeout(r, 5));
    store.send('w', 'b');
    poller.nudge();
    store.send('w', 'c');
    poller.nudge();
    expect(await outcome).toMatchObject({ delivered: 3, deleted: 3 });
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('invokes with a partial batch when the window ends', async () => {
    const store = new QueueStore({ path: ':memory:' });
    store.define({ name: 'w', visibilityTimeoutSeconds: 30, retentionSeconds: 86400 });
    const poller = new Poller({
      store,
      queue: 'w',
      region: 'us-east-1',
      handler: async () => ({ batchItemFailures: [] }),
      functionName: 'test-fn',
      batchSize: 10,
      maxBatchingWindowSeconds: 0.05,
      maxConcurrency: 1,
      timeoutSeconds: 2,
    });
    store.send('w', 'a');
    const outcome = poller.pollOnce();
    store.send('w', 'b');
    poller.nudge();
    expect(await outcome).toMatchObject({ delivered: 2, deleted: 2 });
  });
});
