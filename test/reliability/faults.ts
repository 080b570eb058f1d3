import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { audit, auditProblems, auditWrong, statusesOf } from './audit.ts';
import type { RuntimeChild } from './child.ts';
import { call, facts, grant, post, queueFile, sleep, token, until } from './client.ts';
import { drained } from './duplicates.ts';
import { photos } from './photos.ts';
import type { Row } from './row.ts';

const run = promisify(execFile);

/** `qdn …` as an operator runs it, against this runtime; its exit code and output. */
async function qdn(api: string, admin: string, args: string[]) {
  try {
    const out = await run(process.execPath, ['bin/qdn.js', ...args], {
      env: { ...process.env, QDN_API_URL: api, QDN_TOKEN: admin },
    });
    return { code: 0, stdout: out.stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/**
 * The QDN_FAULTS switches: transient faults shorter than maxReceiveCount (all processed), a
 * persistent thumbnail fault (failed, in the DLQ with its reason as `qdn ops dlq` shows it, then
 * redriven once cleared: processed exactly once), and dropped S3 and bus events (found by reconcile).
 */
export async function faultClasses(child: RuntimeChild): Promise<Row[]> {
  const { api } = child;
  const crew = await token(api, 'crew-demo', 'crew');
  const admin = await token(api, 'admin-demo', 'admin');
  const setFaults = (faults: string) => call(api, 'POST', '/dev/faults', { body: { faults } });
  const bytes = await photos(12, 640, 480);
  let next = 0;
  const upload = async (n: number) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const b = bytes[next++ % bytes.length] as Buffer;
      const g = await grant(api, crew, b.length);
      if ((await post(g, b)) !== 201) throw new Error('upload refused');
      out.push(g.photo_id);
    }
    return out;
  };
  const q = queueFile(child);
  const failedOnce = (queue: string, ids: string[]) =>
    until(
      () => {
        const tried = q.messages(queue).filter((m) => m.receive_count >= 1);
        return ids.every((id) => tried.some((m) => m.body.includes(id)));
      },
      30_000,
      100,
    );
  const rows: Row[] = [];
  try {
    // Transient: each stage fails its first delivery, then the fault is cleared.
    await setFaults('on-upload:transient');
    const a = await upload(3);
    const heldA = await failedOnce('qdn-uploads', a);
    await setFaults('thumbnail:transient');
    const b = await upload(3);
    const heldB = await failedOnce('qdn-thumbnails', b);
    await setFaults('');
    const transient = [...a, ...b];
    await until(
      async () => [...(await statusesOf(api, transient)).values()].every((s) => s === 'ready'),
      60_000,
    );
    const ta = await audit(child, admin, transient);
    const notReady = [...(await statusesOf(api, transient)).values()].filter((s) => s !== 'ready').length;
    rows.push({
      name: 'transient faults',
      tried: transient.length,
      wrong: notReady + auditWrong(ta) + (heldA && heldB ? 0 : 1),
      figure: `on-upload and thumbnail each failed a first delivery (below maxReceiveCount 5/3): ${transient.length - notReady}/${transient.length} ready`,
      ...(notReady || auditWrong(ta) ? { detail: auditProblems(ta) || `${notReady} not ready` } : {}),
    });

    // Persistent: thumbnails fail every try.
    await setFaults('thumbnail:transient');
    const started = Date.now();
    const p = await upload(2);
    await failedOnce('qdn-thumbnails', p);
    await until(async () => [...(await statusesOf(api, p)).values()].every((s) => s === 'failed'), 90_000);
    const toDlqS = (Date.now() - started) / 1000;
    await until(async () => q.count('qdn-thumbnails-dlq') >= p.length, 10_000);
    const dlq = await qdn(api, admin, ['ops', 'dlq', 'thumbnails', '--json']);
    let inDlq = 0;
    try {
      const listed = JSON.parse(dlq.stdout).messages as Array<{ photo_id: string; reason: string }>;
      inDlq = p.filter((id) =>
        listed.some((m) => m.photo_id === id && /TransientFaultError/.test(m.reason ?? '')),
      ).length;
    } catch {
      inDlq = 0;
    }
    await setFaults('');
    const thumbsBefore = facts(child).filter((f) => f.fact === 'thumb').length;
    const redrive = await qdn(api, admin, ['ops', 'redrive', 'thumbnails', '--json']);
    await until(async () => [...(await statusesOf(api, p)).values()].every((s) => s === 'ready'), 60_000);
    await drained(child, 20_000);
    await sleep(1000);
    const seen = facts(child);
    const once = p.filter(
      (id) =>
        seen.filter((f) => f.fact === 'thumb' && f.key?.includes(`/${id}/`)).length === 2 &&
        seen.filter((f) => f.type === 'photo.processed' && f.photo_id === id).length === 1,
    ).length;
    const pa = await audit(child, admin, p);
    rows.push({
      name: 'persistent fault → DLQ → redrive',
      tried: p.length,
      wrong: p.length - inDlq + (p.length - once) + auditWrong(pa) + (redrive.code === 0 ? 0 : 1),
      figure: `failed into the DLQ in ${toDlqS.toFixed(0)} s, ${inDlq}/${p.length} in \`qdn ops dlq\` with the reason; redriven: ${once}/${p.length} ready with one thumbnail set and one photo.processed (${seen.filter((f) => f.fact === 'thumb').length - thumbsBefore} thumbnail writes)`,
      ...(inDlq < p.length || once < p.length || auditWrong(pa)
        ? {
            detail: `${auditProblems(pa)} dlq: ${dlq.stdout.slice(0, 300)} redrive: ${redrive.stdout.slice(0, 200)}`,
          }
        : {}),
    });

    // Dropped events: still pending / received until reconcile finds them.
    // (After the audits above: each runs reconcile, which would find these early.)
    await setFaults('s3-notify:drop');
    const lostS3 = await upload(2);
    await setFaults('bus:drop');
    const lostBus = await upload(2);
    // Until their photo.received was put (and dropped), not merely until they are `received`.
    await until(
      () => lostBus.every((id) => facts(child).some((f) => f.type === 'photo.received' && f.photo_id === id)),
      30_000,
      100,
    );
    await setFaults('');
    const stuck = [...(await statusesOf(api, [...lostS3, ...lostBus])).values()];
    const reconcile = await qdn(api, admin, ['ops', 'reconcile', '--min-age', '0', '--json']);
    let found = 0;
    try {
      const actions = JSON.parse(reconcile.stdout.slice(reconcile.stdout.indexOf('{'))).actions as Array<{
        action: string;
        photo_id: string;
      }>;
      found =
        lostS3.filter((id) => actions.some((x) => x.photo_id === id && x.action === 'requeued')).length +
        lostBus.filter((id) => actions.some((x) => x.photo_id === id && x.action === 'reemitted')).length;
    } catch {
      found = 0;
    }
    const dropped = [...lostS3, ...lostBus];
    await until(
      async () => [...(await statusesOf(api, dropped)).values()].every((s) => s === 'ready'),
      60_000,
    );
    await drained(child, 20_000);
    const da = await audit(child, admin, dropped);
    const readyN = [...(await statusesOf(api, dropped)).values()].filter((s) => s === 'ready').length;
    rows.push({
      name: 'dropped events → reconcile',
      tried: dropped.length,
      wrong: dropped.length - found + (dropped.length - readyN) + auditWrong(da),
      figure: `${lostS3.length} S3 notifications and ${lostBus.length} photo.received dropped (left ${stuck.join('/')}); reconcile found ${found}/${dropped.length}, ${readyN} ready after`,
      ...(found < dropped.length || readyN < dropped.length || auditWrong(da)
        ? { detail: `${auditProblems(da)} reconcile: ${reconcile.stdout.slice(0, 400)}` }
        : {}),
    });
  } finally {
    q.close();
  }
  return rows;
}
