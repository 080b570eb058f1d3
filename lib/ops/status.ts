import type { CounterRepository } from '../repo/counters.ts';
import type { PhotoStatus } from '../repo/photo.ts';
import type { PhotoStatusIndex } from '../repo/status-index.ts';
import type { Topology } from '../topology/types.ts';
import type { QueueAdmin } from './queue-admin.ts';

const STATUSES: PhotoStatus[] = [
  'pending',
  'received',
  'ready',
  'rejected',
  'failed',
  'missing',
  'abandoned',
];

/** What `GET /ops/status` reads. */
export interface StatusDeps {
  topology: Topology;
  admin: QueueAdmin;
  index: PhotoStatusIndex;
  counters: CounterRepository;
  now: () => number;
}

/**
 * Every queue with its DLQ, photos per status, the `pending` photos whose grant has expired
 * (reconcile closes those) and the booking counters. Photo counts are Queries of the status
 * index, one partition each; booking counts are the kept counters item; nothing scans the table.
 */
export async function opsStatus(deps: StatusDeps) {
  const nowIso = new Date(deps.now()).toISOString();
  const [queues, counts, stale, counters] = await Promise.all([
    Promise.all(
      Object.values(deps.topology.queues).map(async (q) => {
        const [main, dlq] = await Promise.all([
          deps.admin.stats(q.name, { oldest: false }),
          deps.admin.stats(q.dlqName, { oldest: true }),
        ]);
        return {
          name: q.id,
          queue: q.name,
          visible: main.visible,
          in_flight: main.inFlight,
          oldest_age_s: main.oldestAgeSeconds,
          dlq: { name: q.dlqName, visible: dlq.visible, oldest_age_s: dlq.oldestAgeSeconds },
        };
      }),
    ),
    Promise.all(STATUSES.map(async (s) => [s, await deps.index.count(s)] as const)),
    deps.index.count('pending', nowIso),
    deps.counters.read(),
  ]);
  return {
    queues,
    photos: Object.fromEntries(counts),
    stale_pending: stale,
    bookings: {
      awaiting_zelle: counters['bookings.awaiting_zelle'] ?? 0,
      payment_mismatch: counters['bookings.payment_mismatch'] ?? 0,
    },
  };
}
