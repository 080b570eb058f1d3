import { allFinal, audit, auditProblems, auditWrong } from './audit.ts';
import { startChild } from './child.ts';
import { call, type Grant, grant, post, queueFile, sleep, token, until } from './client.ts';
import { photos, random } from './photos.ts';
import type { Row } from './row.ts';

/** How many messages the killed process held (hidden, with a receipt handle) in its queue file. */
function held(dataDir: Parameters<typeof queueFile>[0]): number {
  const q = queueFile(dataDir);
  try {
    return [...q.messages('qdn-uploads'), ...q.messages('qdn-thumbnails')].filter(
      (m) => (m as unknown as { receipt_handle: string | null }).receipt_handle !== null,
    ).length;
  } finally {
    q.close();
  }
}

/**
 * Crash and restart: `count` photos upload and process while the runtime is SIGKILLed three times
 * at random points (two during the uploads, one while the last ones are processing) and restarted
 * on the same data folder. Every photo must end final with one record, one thumbnail set, no orphan.
 */
export async function crashAndRestart(count: number, seed: number): Promise<Row> {
  const rnd = random(seed);
  const bytes = await photos(count);
  const child = await startChild({ QDN_UPLOAD_RATE_PER_MINUTE: '100000' });
  try {
    const crew = await token(child.api, 'crew-demo', 'crew');
    const admin = await token(child.api, 'admin-demo', 'admin');
    const grants: Grant[] = [];
    for (let i = 0; i < count; i++) grants.push(await grant(child.api, crew, bytes[i]?.length ?? 1));
    const ids = grants.map((g) => g.photo_id);
    const killAt = [Math.floor(count * (0.15 + 0.2 * rnd())), Math.floor(count * (0.5 + 0.25 * rnd()))];
    const lastDelay = Math.floor(200 + 1800 * rnd());
    let done = 0;
    let retries = 0;
    let down: Promise<void> | null = null;
    const heldAtKill: number[] = [];
    let lastRestart = 0;
    const killAndRestart = async () => {
      await child.kill();
      heldAtKill.push(held(child));
      lastRestart = Date.now();
      await child.restart();
    };
    const next = { i: 0 };
    const worker = async () => {
      for (;;) {
        const i = next.i++;
        if (i >= count) return;
        for (let attempt = 0; ; attempt++) {
          if (down) await down;
          const status = await post(grants[i] as Grant, bytes[i] as Buffer);
          if (status === 201) break;
          // Lost with the process: the grant is still good after the restart (same S3 port).
          retries++;
          if (attempt > 20) throw new Error(`upload ${i} kept failing: ${status}`);
          await sleep(200);
        }
        done++;
        if (killAt.length > 0 && done >= (killAt[0] ?? count) && !down) {
          killAt.shift();
          down = killAndRestart().finally(() => {
            down = null;
          });
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    if (down) await down;
    while (killAt.length > 0) {
      killAt.shift();
      await killAndRestart();
    }
    // The third kill: with the last photos still being checked and thumbnailed.
    await sleep(lastDelay);
    await killAndRestart();
    await until(() => allFinal(child.api, ids), 180_000, 250);
    const finalMs = Date.now() - lastRestart;
    const a = await audit(child, admin, ids);
    // A photo still in flight when `until` gave up shows as not final in the audit.
    const wrong = auditWrong(a);
    const ops = await call(child.api, 'GET', '/ops/status', { token: admin });
    return {
      name: 'crash and restart',
      tried: count,
      wrong,
      figure: `3 SIGKILLs (held ${heldAtKill.join('/')} in flight), ${retries} upload retries; ${Object.entries(
        a.statuses,
      )
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')}; all final ${(finalMs / 1000).toFixed(1)} s after the last restart; DLQ ${
        ops.body?.queues?.map((q: { dlq: { visible: number } }) => q.dlq.visible).join('+') ?? '?'
      }`,
      ...(wrong ? { detail: auditProblems(a) } : {}),
    };
  } finally {
    await child.stop();
  }
}
