import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReceiptHandleIsInvalidError } from './errors.ts';
import { QueueStore } from './queue-store.ts';

function setup(path = ':memory:') {
  const clock = { now: 1_000_000 };
  const store = new QueueStore({ path, now: () => clock.now });
  store.define({ name: 'work-dlq', visibilityTimeoutSeconds: 30, retentionSeconds: 14 * 86400 });
  store.define({
    name: 'work',
    visibilityTimeoutSeconds: 30,
    retentionSeconds: 4 * 86400,
    redrive: { deadLetterQueue: 'work-dlq', maxReceiveCount: 3 },
  });
  return { store, clock };
}

describe('QueueStore', () => {
  it("keeps the consumer's reason for a failed delivery, and only the latest delivery's", () => {
    // Prepare
    const { store, clock } = setup();
    store.send('work', 'hello');
    const [first] = store.receive('work', 1);
    // Act: the consumer says why, then the poller's generic note must not replace it.
    store.recordError('work', first?.receiptHandle ?? '', 'TypeError: real cause');
    store.recordError('work', first?.receiptHandle ?? '', 'reported in batchItemFailures', {
      keepExisting: true,
    });
    // Assess
    expect(store.peek('work')[0]?.lastError).toBe('TypeError: real cause');
    clock.now += 31_000;
    const [second] = store.receive('work', 1);
    store.recordError('work', second?.receiptHandle ?? '', 'reported in batchItemFailures', {
      keepExisting: true,
    });
    expect(store.peek('work')[0]?.lastError).toBe('reported in batchItemFailures');
  });

  it('hides a received message for the visibility timeout, then delivers it again with a higher count', () => {
    // Prepare
    const { store, clock } = setup();
    store.send('work', 'hello');
    // Act
    const first = store.receive('work', 10);
    const hidden = store.receive('work', 10);
    clock.now += 30_000;
    const again = store.receive('work', 10);
    // Assess
    expect(first).toHaveLength(1);
    expect(first[0]?.receiveCount).toBe(1);
    expect(hidden).toHaveLength(0);
    expect(again[0]?.receiveCount).toBe(2);
    expect(again[0]?.messageId).toBe(first[0]?.messageId);
    expect(again[0]?.receiptHandle).not.toBe(first[0]?.receiptHandle);
  });

  it('deletes with the current receipt handle only', () => {
    const { store, clock } = setup();
    store.send('work', 'x');
    const [first] = store.receive('work', 1);
    clock.now += 31_000;
    const [second] = store.receive('work', 1);
    expect(() => store.delete('work', first?.receiptHandle as string)).toThrow(ReceiptHandleIsInvalidError);
    store.delete('work', second?.receiptHandle as string);
    expect(store.counts('work')).toMatchObject({ visible: 0, inFlight: 0 });
  });

  it('moves a message to the DLQ after maxReceiveCount receives and redrives it back', () => {
    const { store, clock } = setup();
    const { messageId } = store.send('work', 'poison');
    for (let i = 0; i < 3; i++) {
      expect(store.receive('work', 1)).toHaveLength(1);
      clock.now += 30_000;
    }
    // The fourth receive finds it over the limit: it goes to the DLQ instead of being delivered.
    expect(store.receive('work', 1)).toHaveLength(0);
    expect(store.counts('work-dlq').visible).toBe(1);
    const [peeked] = store.peek('work-dlq');
    expect(peeked).toMatchObject({
      messageId,
      body: 'poison',
      receiveCount: 3,
      deadLetterSourceQueue: 'work',
    });

    expect(store.redrive('work-dlq')).toBe(1);
    expect(store.counts('work-dlq').visible).toBe(0);
    const [back] = store.receive('work', 1);
    expect(back).toMatchObject({ body: 'poison', receiveCount: 1 });
    expect(back?.messageId).not.toBe(messageId);
  });

  it('gives a redriven message a new enqueue time, so the source queue does not expire it at once', () => {
    const { store, clock } = setup();
    store.send('work', 'late');
    for (let i = 0; i < 4; i++) {
      store.receive('work', 1);
      clock.now += 30_000;
    }
    expect(store.counts('work-dlq').visible).toBe(1);
    // Ops redrive five days later, past the source queue's four-day retention.
    clock.now += 5 * 86400 * 1000;
    expect(store.redrive('work-dlq')).toBe(1);
    expect(store.receive('work', 1).map((m) => m.body)).toEqual(['late']);
  });

  it('counts visible, in-flight and delayed messages and the age of the oldest', () => {
    const { store, clock } = setup();
    store.send('work', 'a');
    store.send('work', 'b');
    store.send('work', 'c', { delaySeconds: 60 });
    store.receive('work', 1);
    clock.now += 5_000;
    expect(store.counts('work')).toEqual({ visible: 1, inFlight: 1, delayed: 1, oldestAgeSeconds: 5 });
    clock.now += 60_000;
    expect(store.counts('work')).toMatchObject({ visible: 3, inFlight: 0, delayed: 0 });
  });

  it('changes the visibility of a message in flight', () => {
    const { store } = setup();
    store.send('work', 'a');
    const [m] = store.receive('work', 1);
    store.changeVisibility('work', m?.receiptHandle as string, 0);
    expect(store.receive('work', 1)[0]?.receiveCount).toBe(2);
  });

  it('keeps messages across a restart; one in flight at a crash comes back after its timeout', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'qdn-queue-')), 'queues.sqlite');
    const a = setup(path);
    a.store.send('work', 'survives');
    a.store.send('work', 'in flight');
    a.store.receive('work', 1);
    a.store.close();

    const b = setup(path);
    b.clock.now = a.clock.now;
    expect(b.store.counts('work')).toMatchObject({ visible: 1, inFlight: 1 });
    b.clock.now += 30_000;
    const bodies = b.store.receive('work', 10).map((m) => m.body);
    expect(bodies.sort()).toEqual(['in flight', 'survives']);
    b.store.close();
  });

  it('delivers in send order and never the same message twice in one receive', () => {
    const { store } = setup();
    for (let i = 0; i < 25; i++) store.send('work', String(i));
    const got = [...store.receive('work', 10), ...store.receive('work', 10), ...store.receive('work', 10)];
    expect(got.map((m) => m.body)).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
  });

  it('drops messages older than the retention period', () => {
    const { store, clock } = setup();
    store.send('work', 'old');
    clock.now += 4 * 86400 * 1000 + 1;
    expect(store.receive('work', 10)).toHaveLength(0);
  });
});
