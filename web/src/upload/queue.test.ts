import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.ts';
import { UploadQueue, type UploadQueueOptions } from './queue.ts';
import { type Grant, type Transport, UploadError, type UploadItem } from './types.ts';

const settle = async () => {
  for (let i = 0; i < 60; i++) await new Promise((r) => setTimeout(r, 0));
};

/** A fake API + S3: grants count up, posts follow a script of outcomes per call. */
function fakeTransport(script: Array<'ok' | 'network' | 'server' | 'expired' | 'refused' | 'hang'> = []) {
  let grants = 0;
  let inFlight = 0;
  const calls = { grants: 0, posts: 0, maxInFlight: 0, photoIds: [] as string[] };
  const hangs: Array<() => void> = [];
  const transport: Transport = {
    async grant(): Promise<Grant> {
      calls.grants += 1;
      grants += 1;
      return {
        photo_id: `p${grants}`,
        key: `photos/job/p${grants}.jpg`,
        url: 'http://s3.local/bucket',
        fields: {},
        expires_at: new Date(Date.now() + 900_000).toISOString(),
        max_bytes: 10 * 1024 * 1024,
      };
    },
    async post(grant, _file, _type, onProgress) {
      calls.posts += 1;
      calls.photoIds.push(grant.photo_id);
      inFlight += 1;
      calls.maxInFlight = Math.max(calls.maxInFlight, inFlight);
      try {
        const outcome = script.shift() ?? 'ok';
        onProgress(0.5);
        if (outcome === 'hang') await new Promise<void>((r) => hangs.push(r));
        await new Promise((r) => setTimeout(r, 0));
        if (outcome === 'network') throw new UploadError('network', 'No connection.');
        if (outcome === 'server') throw new UploadError('server', 'The server had a problem.', 503);
        if (outcome === 'expired') throw new UploadError('expired', 'The upload expired.', 403);
        if (outcome === 'refused') throw new UploadError('refused', 'larger than 10 MB', 400);
        onProgress(1);
      } finally {
        inFlight -= 1;
      }
    },
  };
  return {
    transport,
    calls,
    release: () => {
      for (const r of hangs.splice(0)) r();
    },
  };
}

function queueWith(transport: Transport, extra: Partial<UploadQueueOptions> = {}) {
  const store = new MemoryStore();
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const clock = { now: Date.now() };
  const queue = new UploadQueue({
    store,
    transport,
    now: () => clock.now,
    backoff: (attempt) => attempt * 1000,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => undefined,
    ...extra,
  });
  // Runs the timers as if their time had passed.
  const fire = () => {
    const due = timers.splice(0);
    clock.now += Math.max(0, ...due.map((t) => t.ms));
    for (const t of due) t.fn();
  };
  return { queue, store, timers, fire };
}

const photo = (name = 'IMG_1.jpg') => ({
  jobId: 'job-demo-1',
  file: new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], { type: 'image/jpeg' }),
  filename: name,
  contentType: 'image/jpeg',
});

describe('UploadQueue', () => {
  it('sends a few photos at a time and keeps the facts but not the bytes of each sent one', async () => {
    // Prepare
    const { transport, calls } = fakeTransport();
    const { queue, store } = queueWith(transport, { parallel: 2 });
    // Act
    await queue.add([photo('a.jpg'), photo('b.jpg'), photo('c.jpg'), photo('d.jpg'), photo('e.jpg')]);
    await settle();
    await settle();
    // Assess
    expect(calls.maxInFlight).toBe(2);
    expect(queue.items().map((i) => i.state)).toEqual(Array(5).fill('uploaded'));
    const stored = await store.all();
    expect(stored.every((i) => i.file === null && i.photoId !== null && i.progress === 1)).toBe(true);
    expect(new Set(stored.map((i) => i.photoId)).size).toBe(5);
    expect(queue.busy()).toBe(false);
  });

  it('retries network errors and 5xx after a growing backoff, then succeeds', async () => {
    const { transport, calls } = fakeTransport(['network', 'server', 'ok']);
    const { queue, timers, fire } = queueWith(transport);
    await queue.add([photo()]);
    await settle();
    const [item] = queue.items() as [UploadItem];
    expect(item.state).toBe('queued');
    expect(item.attempts).toBe(1);
    expect(item.reason).toMatch(/No connection\. Trying again/);
    expect(timers.at(-1)?.ms).toBe(1000);
    fire();
    await settle();
    expect(item.attempts).toBe(2);
    expect(timers.at(-1)?.ms).toBe(2000);
    fire();
    await settle();
    expect(item.state).toBe('uploaded');
    expect(calls.posts).toBe(3);
    // The grant was still fresh: one URL served all three tries.
    expect(calls.grants).toBe(1);
  });

  it('asks for a fresh URL at once when the old one expired', async () => {
    const { transport, calls } = fakeTransport(['expired', 'ok']);
    const { queue, timers, fire } = queueWith(transport);
    await queue.add([photo()]);
    await settle();
    expect(timers.at(-1)?.ms).toBe(0);
    fire();
    await settle();
    const [item] = queue.items() as [UploadItem];
    expect(item.state).toBe('uploaded');
    expect(calls.grants).toBe(2);
    expect(item.grantIds).toEqual(['p1', 'p2']);
    expect(item.photoId).toBe('p2');
  });

  it('re-grants before posting when the URL it holds is about to expire', async () => {
    const { transport, calls } = fakeTransport(['network', 'ok']);
    let now = Date.now();
    const { queue, fire } = queueWith(transport, { now: () => now });
    await queue.add([photo()]);
    await settle();
    now += 890_000; // 10 s of the 15 min left
    fire();
    await settle();
    expect(calls.grants).toBe(2);
    expect(queue.items()[0]?.state).toBe('uploaded');
  });

  it('does not retry a refusal and says why on the item', async () => {
    const { transport, calls } = fakeTransport(['refused']);
    const { queue, timers } = queueWith(transport);
    await queue.add([photo()]);
    await settle();
    const [item] = queue.items() as [UploadItem];
    expect(item.state).toBe('refused');
    expect(item.reason).toBe('larger than 10 MB');
    expect(calls.posts).toBe(1);
    expect(timers).toHaveLength(0);
  });

  it('refuses before sending what the page already knows is wrong', async () => {
    const { transport, calls } = fakeTransport();
    const { queue } = queueWith(transport);
    await queue.add([photo('notes.txt')], (f) => (f.filename.endsWith('.txt') ? 'not a photo' : null));
    await settle();
    expect(queue.items()[0]).toMatchObject({ state: 'refused', reason: 'not a photo', file: null });
    expect(calls.grants).toBe(0);
  });

  it('gives up after maxAttempts with a tap-to-retry reason, and a retry starts over', async () => {
    const { transport } = fakeTransport(['network', 'network', 'ok']);
    const { queue, fire } = queueWith(transport, { maxAttempts: 2 });
    await queue.add([photo()]);
    await settle();
    fire();
    await settle();
    const [item] = queue.items() as [UploadItem];
    expect(item.state).toBe('failed');
    expect(item.reason).toBe('No connection. Tap to retry.');
    await queue.retry(item.id);
    await settle();
    expect(item.state).toBe('uploaded');
  });

  it('waits while offline, does not count a try cut off by going offline, and sends when online', async () => {
    const { transport, calls } = fakeTransport(['network', 'ok']);
    let online = false;
    const { queue } = queueWith(transport, { online: () => online });
    await queue.add([photo()]);
    await settle();
    expect(calls.posts).toBe(0);
    expect(queue.items()[0]?.state).toBe('queued');
    online = true;
    queue.pump();
    // The first post fails because the connection dropped again mid-way.
    online = false;
    await settle();
    expect(queue.items()[0]).toMatchObject({
      attempts: 0,
      nextTryAt: null,
      reason: 'Waiting for a connection…',
    });
    online = true;
    queue.pump();
    await settle();
    expect(queue.items()[0]?.state).toBe('uploaded');
  });

  it('survives a reload: a new queue on the same store sends what the old one left', async () => {
    const first = fakeTransport(['hang']);
    const { queue, store } = queueWith(first.transport);
    await queue.add([photo('before-reload.jpg')]);
    await settle();
    expect((await store.all())[0]).toMatchObject({ state: 'uploading', filename: 'before-reload.jpg' });
    expect((await store.all())[0]?.file).toBeInstanceOf(Blob);
    // The page goes away with the upload cut off; a new page builds a new queue on the store.
    const second = fakeTransport();
    const reloaded = new UploadQueue({ store, transport: second.transport });
    const restored = await reloaded.restore();
    expect(restored[0]).toMatchObject({ state: 'queued', progress: 0 });
    reloaded.pump();
    await settle();
    expect(reloaded.items()[0]).toMatchObject({ state: 'uploaded', filename: 'before-reload.jpg' });
    expect(second.calls.grants).toBe(1);
    first.release();
  });

  it('holds tries while signed out and sends after resume', async () => {
    let signedIn = false;
    const { transport, calls } = fakeTransport();
    const guarded: Transport = {
      grant: async (item) => {
        if (!signedIn) throw new UploadError('signed-out', 'Sign in to send this photo.');
        return transport.grant(item);
      },
      post: transport.post,
    };
    const { queue } = queueWith(guarded);
    await queue.add([photo()]);
    await settle();
    expect(queue.items()[0]).toMatchObject({ state: 'queued', reason: 'Sign in to send this photo.' });
    signedIn = true;
    queue.resume();
    await settle();
    expect(queue.items()[0]?.state).toBe('uploaded');
    expect(calls.grants).toBe(1);
  });

  it('removes an item from the queue and its store', async () => {
    const { transport } = fakeTransport(['refused']);
    const removed: string[] = [];
    const { queue, store } = queueWith(transport, { onChange: (i, gone) => gone && removed.push(i.id) });
    const [item] = (await queue.add([photo()])) as [UploadItem];
    await settle();
    await queue.remove(item.id);
    expect(queue.items()).toHaveLength(0);
    expect(await store.all()).toHaveLength(0);
    expect(removed).toEqual([item.id]);
  });
});
