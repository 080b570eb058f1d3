import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalEventBus } from '../../local/bus/event-bus.ts';
import { ObjectStore } from '../../local/s3/object-store.ts';

// Test-only preload (`node --import tsx --import ./test/reliability/observer.ts local/main.ts`):
// the suite counts what the runtime's functions put on the bus and write under thumbs/ from a
// child process it SIGKILLs, so each fact is appended synchronously (a kill loses nothing written).
// It observes; it changes no behaviour.

const file = join(process.env.QDN_DATA_DIR ?? '.qdn', 'observed.jsonl');
const record = (fact: Record<string, unknown>) => appendFileSync(file, `${JSON.stringify(fact)}\n`);

const putEvents = LocalEventBus.prototype.putEvents;
LocalEventBus.prototype.putEvents = function observedPutEvents(this: LocalEventBus, entries) {
  const out = putEvents.call(this, entries);
  out.Entries.forEach((result, i) => {
    if (!('EventId' in result)) return;
    const entry = entries[i];
    let detail: Record<string, unknown> = {};
    try {
      detail = JSON.parse(entry?.Detail ?? '{}');
    } catch {
      // malformed entries are refused by the bus; nothing to record
    }
    record({
      fact: 'event',
      type: entry?.DetailType,
      photo_id: detail.photo_id,
      quote_id: detail.quote_id,
      // photo.received is kept whole: the duplicate class delivers it again.
      ...(entry?.DetailType === 'photo.received' ? { detail } : {}),
      at: Date.now(),
    });
  });
  return out;
};

const commit = ObjectStore.prototype.commit;
ObjectStore.prototype.commit = async function observedCommit(this: ObjectStore, ...args) {
  const out = await commit.apply(this, args);
  const key = args[1];
  if (key.startsWith('thumbs/')) record({ fact: 'thumb', key, at: Date.now() });
  return out;
};
