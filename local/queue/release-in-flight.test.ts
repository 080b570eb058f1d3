import { describe, expect, it } from 'vitest';
import { QueueStore } from './queue-store.ts';

describe('QueueStore.releaseInFlight (issue 11, finding 2)', () => {
  it('makes messages a dead process held visible at once, keeping their receive counts', () => {
    // Prepare
    let now = 1_000_000;
    const store = new QueueStore({ path: ':memory:', now: () => now });
    store.define({ name: 'q', visibilityTimeoutSeconds: 180, retentionSeconds: 86_400 });
    store.send('q', 'held');
    store.send('q', 'waiting');
    store.send('q', 'delayed', { delaySeconds: 60 });
    const [held] = store.receive('q', 1);
    now += 1000;
    expect(store.receive('q', 10).map((m) => m.body)).toEqual(['waiting']);
    // Act
    const released = store.releaseInFlight();
    // Assess
    expect(released).toEqual({ q: 2 });
    const again = store.receive('q', 10);
    expect(again.map((m) => [m.body, m.receiveCount])).toEqual([
      ['held', 2],
      ['waiting', 2],
    ]);
    expect(() => store.delete('q', held?.receiptHandle ?? '')).toThrow();
    expect(store.counts('q').delayed).toBe(1);
    store.close();
  });
});
