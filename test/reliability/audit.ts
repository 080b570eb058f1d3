import type { RuntimeChild } from './child.ts';
import { call, listKeys, photoRecords } from './client.ts';

/** Statuses a photo may end in: `failed` only with its message in a DLQ. */
const FINAL = new Set(['ready', 'rejected', 'missing', 'failed']);

/** What went wrong with a set of photos once the pipeline settled (each list names photo ids). */
export interface Audit {
  notFinal: string[];
  duplicateRecords: string[];
  badThumbnails: string[];
  badOriginals: string[];
  failedNotInDlq: string[];
  leftUnderPhotos: string[];
  reconcileFound: string[];
  orphans: number;
  statuses: Record<string, number>;
}

/** The final statuses of these photos, as stored. */
export async function statusesOf(api: string, ids: string[]): Promise<Map<string, string>> {
  const records = await photoRecords(api);
  return new Map(ids.map((id) => [id, records.get(id)?.[0]?.status ?? 'absent']));
}

/** True when every photo is in a final status. */
export async function allFinal(api: string, ids: string[]): Promise<boolean> {
  for (const s of (await statusesOf(api, ids)).values()) if (!FINAL.has(s)) return false;
  return true;
}

/** Messages in the DLQs by photo id (from `GET /ops/dlq/{queue}`). */
export async function dlqPhotos(api: string, admin: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const queue of ['uploads', 'thumbnails']) {
    const dlq = await call(api, 'GET', `/ops/dlq/${queue}?limit=1000`, { token: admin });
    for (const m of dlq.body?.messages ?? []) out.set(m.photo_id, `${queue}: ${m.reason}`);
  }
  return out;
}

/**
 * Reconcile's checks and more, for photos that should have settled: one record each, a final
 * status (`failed` only beside its DLQ message), one thumbnail set exactly for each ready photo and
 * none for the rest, one kept original per ready photo, nothing left under `photos/`, and nothing
 * for `POST /ops/reconcile` to requeue, re-emit or report as an orphan.
 */
export async function audit(child: RuntimeChild, admin: string, ids: string[]): Promise<Audit> {
  const { api } = child;
  const records = await photoRecords(api);
  const thumbs = groupBy(await listKeys(api, 'thumbs/'), 2);
  const originals = groupBy(await listKeys(api, 'originals/'), 2, true);
  const uploads = groupBy(await listKeys(api, 'photos/'), 2, true);
  const dlq = await dlqPhotos(api, admin);
  const reconcile = await call(api, 'POST', '/ops/reconcile', {
    token: admin,
    body: { min_age_s: 0, limit: 10_000 },
  });
  const wanted = new Set(ids);
  const found = (reconcile.body?.actions ?? []) as Array<{ action: string; photo_id: string }>;
  const result: Audit = {
    notFinal: [],
    duplicateRecords: [],
    badThumbnails: [],
    badOriginals: [],
    failedNotInDlq: [],
    leftUnderPhotos: [],
    reconcileFound: found
      .filter((a) => wanted.has(a.photo_id) && a.action !== 'abandoned')
      .map((a) => `${a.action}:${a.photo_id}`),
    orphans: reconcile.status === 200 ? reconcile.body.orphans : -1,
    statuses: {},
  };
  for (const id of ids) {
    const mine = records.get(id) ?? [];
    const status = mine[0]?.status ?? 'absent';
    result.statuses[status] = (result.statuses[status] ?? 0) + 1;
    if (mine.length !== 1) result.duplicateRecords.push(id);
    if (!FINAL.has(status)) result.notFinal.push(id);
    if (status === 'failed' && !dlq.has(id)) result.failedNotInDlq.push(id);
    const t = (thumbs.get(id) ?? []).sort().join(',');
    if (status === 'ready' ? t !== 'large.webp,small.webp' : t !== '') result.badThumbnails.push(id);
    const o = originals.get(id)?.length ?? 0;
    if (status === 'ready' ? o !== 1 : o > 1) result.badOriginals.push(id);
    if (uploads.has(id)) result.leftUnderPhotos.push(id);
  }
  return result;
}

/** Groups keys `prefix/{job}/{photo}…` by photo id (segment `at`); the rest of the key as value. */
function groupBy(keys: string[], at: number, stripExt = false): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of keys) {
    const parts = key.split('/');
    let id = parts[at] ?? '';
    if (stripExt) id = id.replace(/\..*$/, '');
    out.set(id, [...(out.get(id) ?? []), parts.slice(at + 1).join('/') || key]);
  }
  return out;
}

/** Every problem of an audit as a count. */
export function auditWrong(a: Audit): number {
  return (
    a.notFinal.length +
    a.duplicateRecords.length +
    a.badThumbnails.length +
    a.badOriginals.length +
    a.failedNotInDlq.length +
    a.leftUnderPhotos.length +
    a.reconcileFound.length +
    (a.orphans === 0 ? 0 : Math.abs(a.orphans))
  );
}

/** A one-line account of an audit's problems (empty when none). */
export function auditProblems(a: Audit): string {
  const parts: string[] = [];
  const add = (name: string, list: string[]) => {
    if (list.length) parts.push(`${name} ${list.length} (${list.slice(0, 3).join(' ')})`);
  };
  add('not final', a.notFinal);
  add('records≠1', a.duplicateRecords);
  add('thumbnail sets wrong', a.badThumbnails);
  add('originals wrong', a.badOriginals);
  add('failed without DLQ message', a.failedNotInDlq);
  add('left under photos/', a.leftUnderPhotos);
  add('reconcile acted on', a.reconcileFound);
  if (a.orphans !== 0) parts.push(`orphans ${a.orphans}`);
  return parts.join('; ');
}
