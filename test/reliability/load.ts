import { audit, auditProblems, auditWrong } from './audit.ts';
import { startChild } from './child.ts';
import { call, type Grant, grant, percentile, photoRecords, post, token, until } from './client.ts';
import { drained } from './duplicates.ts';
import { photos } from './photos.ts';
import type { Row } from './row.ts';

/**
 * Load: `count` small photos uploaded in one burst (32 at a time) → all processed, DLQ empty; drain
 * time (first upload to last ready) and p50/p95 upload → ready (ready seen by polling every 200 ms).
 */
export async function load(count: number): Promise<Row> {
  const bytes = await photos(Math.min(count, 50), 480, 360);
  const child = await startChild({ QDN_UPLOAD_RATE_PER_MINUTE: '100000' });
  try {
    const { api } = child;
    const crew = await token(api, 'crew-demo', 'crew');
    const admin = await token(api, 'admin-demo', 'admin');
    const grants: Grant[] = [];
    for (let i = 0; i < count; i++)
      grants.push(await grant(api, crew, (bytes[i % bytes.length] as Buffer).length));
    const ids = grants.map((g) => g.photo_id);
    const uploadedAt = new Map<string, number>();
    const readyAt = new Map<string, number>();
    const started = Date.now();
    let failedPosts = 0;
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const g = grants[i] as Grant;
        if ((await post(g, bytes[i % bytes.length] as Buffer)) === 201)
          uploadedAt.set(g.photo_id, Date.now());
        else failedPosts++;
      }
    };
    const watching = until(
      async () => {
        const records = await photoRecords(api);
        const now = Date.now();
        for (const id of ids) {
          const s = records.get(id)?.[0]?.status;
          if (!readyAt.has(id) && s && s !== 'pending' && s !== 'received') readyAt.set(id, now);
        }
        return readyAt.size === ids.length;
      },
      8 * 60_000,
      200,
    );
    await Promise.all(Array.from({ length: 32 }, worker));
    const uploadS = (Date.now() - started) / 1000;
    await watching;
    const drainS = (Math.max(...readyAt.values()) - started) / 1000;
    await drained(child, 30_000);
    const a = await audit(child, admin, ids);
    const ops = await call(api, 'GET', '/ops/status', { token: admin });
    const dlq = (ops.body?.queues ?? []).reduce(
      (n: number, q: { dlq: { visible: number } }) => n + q.dlq.visible,
      0,
    );
    const latencies = ids
      .filter((id) => uploadedAt.has(id) && readyAt.has(id))
      .map((id) => (readyAt.get(id) as number) - (uploadedAt.get(id) as number));
    const notReady = (a.statuses.ready ?? 0) !== count ? count - (a.statuses.ready ?? 0) : 0;
    const wrong = auditWrong(a) + notReady + failedPosts + dlq;
    return {
      name: 'load',
      tried: count,
      wrong,
      figure: `${count} uploads (${(bytes[0]?.length ?? 0) >> 10} KB, 32 at a time) in ${uploadS.toFixed(1)} s; ${a.statuses.ready ?? 0} ready, DLQ ${dlq}; drained in ${drainS.toFixed(1)} s (${(count / drainS).toFixed(1)} photos/s); upload → ready p50 ${(percentile(latencies, 50) / 1000).toFixed(1)} s, p95 ${(percentile(latencies, 95) / 1000).toFixed(1)} s`,
      ...(wrong ? { detail: `${auditProblems(a)} failed posts ${failedPosts}` } : {}),
    };
  } finally {
    await child.stop();
  }
}
