import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LOCAL_CREDENTIALS } from '../../local/auth/local-credentials.ts';
import { allFinal, audit, auditProblems, auditWrong } from './audit.ts';
import { completedEvent, openCardQuote, postWebhook, sign, webhookSecret } from './booking.ts';
import type { RuntimeChild } from './child.ts';
import { call, facts, grant, photoRecords, post, queueFile, scanAll, sleep, token, until } from './client.ts';
import { photos, random } from './photos.ts';
import type { Row } from './row.ts';

const shuffle = <T>(list: T[], rnd: () => number) => {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

/** Waits until both source queues are empty (nothing left to deliver). */
export async function drained(child: RuntimeChild, ms: number): Promise<boolean> {
  const q = queueFile(child);
  try {
    return await until(() => q.count('qdn-uploads') === 0 && q.count('qdn-thumbnails') === 0, ms, 250);
  } finally {
    q.close();
  }
}

/**
 * Duplicates and order: each photo's S3 event is delivered three times at once (its own retry and
 * two re-sent copies of the captured body), then — after it is ready, out of order — once more, and
 * its `photo.received` twice straight into the thumbnails queue and twice through the signed bus;
 * a Stripe webhook is delivered four times at once and twice more under new event ids.
 * Nothing may be duplicated: records, thumbnail writes, events, jobs.
 */
export async function duplicatesAndOrder(child: RuntimeChild, count: number, seed: number): Promise<Row> {
  const rnd = random(seed + 1);
  const { api } = child;
  const crew = await token(api, 'crew-demo', 'crew');
  const admin = await token(api, 'admin-demo', 'admin');
  const bytes = await photos(count, 640, 480);
  // Hold the uploads' S3 events in the queue (a failed first try) to capture their bodies.
  await call(api, 'POST', '/dev/faults', { body: { faults: 'on-upload:transient' } });
  const grants = await Promise.all(bytes.map((b) => grant(api, crew, b.length)));
  const ids = grants.map((g) => g.photo_id);
  await Promise.all(grants.map((g, i) => post(g, bytes[i] as Buffer)));
  const q = queueFile(child);
  const captured = new Map<string, string>();
  try {
    await until(() => {
      for (const m of q.messages('qdn-uploads')) {
        const id = ids.find((p) => m.body.includes(p));
        if (id && m.receive_count >= 1) captured.set(id, m.body);
      }
      return captured.size === ids.length;
    }, 20_000);
    await call(api, 'POST', '/dev/faults', { body: { faults: '' } });
    // Two more copies of each S3 event, all at once, in shuffled order.
    let tried = 0;
    await Promise.all(
      shuffle([...captured.values(), ...captured.values()], rnd).map(async (body) => {
        q.send('qdn-uploads', body);
        tried++;
      }),
    );
    await until(() => allFinal(api, ids), 60_000);
    await drained(child, 30_000);
    const before = await photoRecords(api);
    // Late and out of order: the old S3 event after ready, photo.received again, both ways.
    const received = facts(child).filter(
      (f) => f.type === 'photo.received' && f.photo_id && ids.includes(f.photo_id),
    );
    const events = new EventBridgeClient({
      region: 'us-east-1',
      endpoint: api,
      credentials: LOCAL_CREDENTIALS,
    });
    const redeliveries: Array<() => Promise<unknown>> = [];
    for (const id of ids) {
      const body = captured.get(id);
      if (body) redeliveries.push(async () => q.send('qdn-uploads', body));
      const detail = received.find((f) => f.photo_id === id)?.detail;
      if (!detail) continue;
      const envelope = (n: number) =>
        JSON.stringify({
          version: '0',
          id: `${id}-again-${n}`,
          'detail-type': 'photo.received',
          source: 'qdn.photos',
          account: '000000000000',
          time: `${new Date().toISOString().slice(0, 19)}Z`,
          region: 'us-east-1',
          resources: [],
          detail,
        });
      for (const n of [1, 2]) redeliveries.push(async () => q.send('qdn-thumbnails', envelope(n)));
      for (const _ of [1, 2])
        redeliveries.push(() =>
          events.send(
            new PutEventsCommand({
              Entries: [
                {
                  EventBusName: 'qdn-bus',
                  Source: 'qdn.photos',
                  DetailType: 'photo.received',
                  Detail: JSON.stringify(detail),
                },
              ],
            }),
          ),
        );
    }
    await Promise.all(shuffle(redeliveries, rnd).map((f) => f()));
    tried += redeliveries.length;
    events.destroy();
    await sleep(500);
    await drained(child, 30_000);
    await sleep(1000);
    // Webhooks: the same event four times at once, then twice under new ids.
    const quote = await openCardQuote(api);
    const secret = await webhookSecret(api);
    const event = JSON.stringify(completedEvent(quote.id, quote.total, `evt_rel_${quote.id}`, quote.session));
    const once = await Promise.all([1, 2, 3, 4].map(() => postWebhook(api, event, sign(event, secret))));
    const others = await Promise.all(
      [1, 2].map((n) => {
        const e = JSON.stringify(
          completedEvent(quote.id, quote.total, `evt_rel_${quote.id}_${n}`, quote.session),
        );
        return postWebhook(api, e, sign(e, secret));
      }),
    );
    tried += 6;
    await sleep(500);

    // Assess
    const after = await photoRecords(api);
    const seen = facts(child);
    const problems: string[] = [];
    const per = (type: string, id: string) =>
      seen.filter((f) => f.fact === 'event' && f.type === type && f.photo_id === id).length;
    let wrong = 0;
    for (const id of ids) {
      const writes = seen.filter((f) => f.fact === 'thumb' && f.key?.includes(`/${id}/`)).length;
      const processed = per('photo.processed', id);
      // Our own two PutEvents count as photo.received too; the functions' must be exactly one.
      const receivedByFunctions = per('photo.received', id) - 2;
      const changed = JSON.stringify(before.get(id)) !== JSON.stringify(after.get(id));
      if (writes !== 2 || processed !== 1 || receivedByFunctions !== 1 || changed) {
        wrong++;
        problems.push(
          `${id}: thumbnail writes ${writes}, photo.processed ${processed}, photo.received ${receivedByFunctions}${changed ? ', record changed' : ''}`,
        );
      }
    }
    const a = await audit(child, admin, ids);
    wrong += auditWrong(a);
    const jobId = `job-${quote.id.toLowerCase()}`;
    const jobs = (await scanAll(api)).filter((i) => i.pk === `JOB#${jobId}` && i.sk === 'JOB').length;
    const confirmed = seen.filter((f) => f.type === 'booking.confirmed' && f.quote_id === quote.id).length;
    const webhookStatuses = [...once, ...others].map((r) => r.status);
    if (jobs !== 1 || confirmed !== 1 || webhookStatuses.some((s) => s !== 200)) {
      wrong++;
      problems.push(
        `booking: jobs ${jobs}, booking.confirmed ${confirmed}, webhook answers ${webhookStatuses.join(',')}`,
      );
    }
    const extraThumbs = seen.filter((f) => f.fact === 'thumb').length - 2 * ids.length;
    return {
      name: 'duplicates and order',
      tried,
      wrong,
      figure: `${count} photos, ${tried} re-deliveries: ${Object.entries(a.statuses)
        .map(([s, n]) => `${n} ${s}`)
        .join(
          ', ',
        )}; extra records ${a.duplicateRecords.length}, thumbnail writes ${extraThumbs}, events ${ids.reduce((n, id) => n + per('photo.processed', id) - 1 + per('photo.received', id) - 3, 0)}, jobs ${jobs - 1}, booking.confirmed ${confirmed}`,
      ...(wrong ? { detail: [auditProblems(a), ...problems].filter(Boolean).join('; ') } : {}),
    };
  } finally {
    q.close();
  }
}
