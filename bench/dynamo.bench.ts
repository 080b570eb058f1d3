/**
 * Where a local DynamoDB call's time goes, and what the front server's changes bought, in one run:
 * - the pieces: the SDK client alone (serialize, sign, parse; a canned answer, no network), the
 *   SigV4 check alone, dynalite alone (in-process, no HTTP), one loopback HTTP hop to dynalite;
 * - whole calls, SDK → front server → dynalite, "before" (dynalite over a second loopback hop,
 *   one global write lock) against "after" (dynalite in-process, per-item locks), round-robin;
 * - 32 concurrent writers, to distinct items and to one item, before and after.
 * Baseline: a bare GetItem, SDK straight to dynalite's own HTTP server (no front server).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type HttpRequest, HttpResponse } from '@smithy/protocol-http';
import dynalite from 'dynalite';
import { createTableInput } from '../lib/topology/table.ts';
import { createRequestVerifier } from '../local/auth/verify-request.ts';
import type { DynamoBackend } from '../local/dynamo/backend.ts';
import { openDynaliteEngine } from '../local/dynamo/dynalite-engine.ts';
import { startFrontServer } from '../local/dynamo/front-server.ts';
import { httpBackend } from '../local/dynamo/http-backend.ts';
import { median, percentile, printTable, ratio } from './report.ts';

const TABLE = 'bench';
const REGION = 'us-east-1';
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench-secret' };
const N = Number(process.env.QDN_BENCH_DYNAMO_N ?? 300);
const WRITERS = 32;
const WRITES_EACH = 10;

type AnyCommand = GetItemCommand | PutItemCommand | UpdateItemCommand | TransactWriteItemsCommand;
type Send = (command: AnyCommand) => Promise<unknown>;

const client = (endpoint: string) => new DynamoDBClient({ endpoint, region: REGION, credentials });
const S = (s: string) => ({ S: s });

/** A photo item as the pipeline keeps it: both index keys set, a few hundred bytes. */
const photoItem = (id: string) => ({
  pk: S(`JOB#j1`),
  sk: S(`PHOTO#${id}`),
  gsi2pk: S('PHOTOSTATUS#pending'),
  gsi2sk: S(`1796000000#j1#${id}`),
  status: S('pending'),
  contentType: S('image/jpeg'),
  key: S(`photos/j1/${id}.jpg`),
  size: { N: '3260000' },
  createdAt: S('2026-12-02T01:00:00.000Z'),
  takenAt: S('2026-12-01T17:03:11.000Z'),
  gps: { M: { lat: { N: '40.7128' }, lon: { N: '-74.006' } } },
});
const photoKey = (id: string) => ({ pk: S('JOB#j1'), sk: S(`PHOTO#${id}`) });
let flip = 0;
/** A status change, as on-upload and thumbnail write it: the status index key moves every time. */
const statusUpdate = (id: string) => {
  flip++;
  const status = flip % 2 ? 'received' : 'ready';
  return new UpdateItemCommand({
    TableName: TABLE,
    Key: photoKey(id),
    UpdateExpression: 'SET #s = :s, gsi2pk = :g, updatedAt = :t',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':s': S(status), ':g': S(`PHOTOSTATUS#${status}`), ':t': S(String(flip)) },
  });
};
const counterTx = (id: string) =>
  new TransactWriteItemsCommand({
    TransactItems: [
      {
        Update: {
          TableName: TABLE,
          Key: photoKey(id),
          UpdateExpression: 'SET updatedAt = :t',
          ExpressionAttributeValues: { ':t': S(String(++flip)) },
        },
      },
      {
        Update: {
          TableName: TABLE,
          Key: { pk: S('STATS'), sk: S(`COUNTERS#${id}`) },
          UpdateExpression: 'ADD #c :one',
          ExpressionAttributeNames: { '#c': 'photos.ready' },
          ExpressionAttributeValues: { ':one': { N: '1' } },
        },
      },
    ],
  });

/** A state change as the stages write it: photo, counter and a fresh event claim in one transaction. */
const claimTx = (id: string) => {
  const tx = counterTx(id).input.TransactItems ?? [];
  return new TransactWriteItemsCommand({
    TransactItems: [
      ...tx,
      {
        Put: {
          TableName: TABLE,
          Item: { pk: S(`EVENT#${++flip}`), sk: S('EVENT') },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
  });
};

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Runs each variant `rounds` times in turn (so machine noise hits all alike); all samples per variant. */
async function roundRobin(
  variants: Record<string, (i: number) => Promise<unknown>>,
  rounds = 3,
): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const fn of Object.values(variants)) await timed(20, fn); // warm-up: JIT, sockets
  for (let r = 0; r < rounds; r++)
    for (const [name, fn] of Object.entries(variants))
      out[name]?.push(...(await timed(Math.ceil(N / rounds), fn)));
  return out;
}

/** `writers` concurrent loops of `each` sequential writes; per-call latencies and the wall time. */
async function concurrent(
  writers: number,
  each: number,
  write: (writer: number, i: number) => Promise<unknown>,
): Promise<{ calls: number[]; wallMs: number }> {
  const calls: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < each; i++) {
        const t = performance.now();
        await write(w, i);
        calls.push(performance.now() - t);
      }
    }),
  );
  return { calls, wallMs: performance.now() - started };
}

const ms = (v: number) => (v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(0)} ms`);
const us = (v: number) => `${(v * 1000).toFixed(0)} µs`;

/** A DynamoDB client whose HTTP handler answers at once with a canned body: the SDK's own cost. */
function sdkOnlyClient(answer: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: 'http://127.0.0.1:9',
    region: REGION,
    credentials,
    requestHandler: {
      handle: async () => ({
        response: new HttpResponse({
          statusCode: 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: Readable.from([Buffer.from(answer)]),
        }),
      }),
    },
  });
}

/** Captures one request the SDK sends (headers and body), to replay against the verifier and dynalite. */
async function captureRequest(
  command: GetItemCommand,
): Promise<{ headers: IncomingMessage['headers']; body: Buffer; url: string; method: string }> {
  let captured:
    | { headers: IncomingMessage['headers']; body: Buffer; url: string; method: string }
    | undefined;
  const c = new DynamoDBClient({
    endpoint: 'http://127.0.0.1:9',
    region: REGION,
    credentials,
    requestHandler: {
      handle: async (req: HttpRequest) => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
        captured = {
          headers: { ...headers, host: req.hostname + (req.port ? `:${req.port}` : '') },
          // The SDK's JSON body is a Uint8Array with string methods (which warn): copy its bytes.
          body: Buffer.from(
            new Uint8Array(
              (req.body as Uint8Array).buffer,
              (req.body as Uint8Array).byteOffset,
              (req.body as Uint8Array).byteLength,
            ),
          ),
          url: req.path,
          method: req.method,
        };
        return {
          response: new HttpResponse({
            statusCode: 200,
            headers: {},
            body: Readable.from([Buffer.from('{}')]),
          }),
        };
      },
    },
  });
  await c.send(command);
  c.destroy();
  if (!captured) throw new Error('Expected the SDK to send a request');
  return captured;
}

/** A raw POST to dynalite with already-built headers: one loopback HTTP hop and dynalite, no SDK. */
function rawPost(url: URL, agent: Agent, headers: IncomingMessage['headers'], body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        agent,
        method: 'POST',
        path: '/',
        headers: { ...headers, host: url.host },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs the local DynamoDB benchmarks. */
export async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dirs = [
    await mkdtemp(join(tmpdir(), 'qdn-dyn-before-')),
    await mkdtemp(join(tmpdir(), 'qdn-dyn-after-')),
    await mkdtemp(join(tmpdir(), 'qdn-dyn-nocache-')),
  ];
  const verify = createRequestVerifier({ service: 'dynamodb', region: REGION, credentials: [credentials] });

  // Before: dynalite's own HTTP server behind the front server (a second loopback hop), one global lock.
  const bare = dynalite({ path: dirs[0], createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', () => resolve()));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
  const beforeBackend = httpBackend(bareUrl);
  const before = await startFrontServer({
    host: '127.0.0.1',
    backend: beforeBackend,
    verify,
    lockScope: 'global',
    transactWrites: 'sequential',
  });
  // After: dynalite in-process, per-item locks.
  const engine: DynamoBackend = openDynaliteEngine({ path: dirs[1] as string });
  const after = await startFrontServer({ host: '127.0.0.1', backend: engine, verify });
  // After, but a transaction's writes one at a time: what applying them at once is worth.
  const afterSequential = await startFrontServer({
    host: '127.0.0.1',
    backend: engine,
    verify,
    transactWrites: 'sequential',
  });
  // dynalite in-process as it comes: every call reads the table description from LevelDB.
  const uncached = openDynaliteEngine({ path: dirs[2] as string, cacheTables: false });

  const clients = {
    bare: client(bareUrl),
    before: client(before.url),
    after: client(after.url),
    afterSequential: client(afterSequential.url),
  };
  const send =
    (c: DynamoDBClient): Send =>
    (command) =>
      c.send(command as never);
  try {
    await clients.bare.send(new CreateTableCommand(createTableInput(TABLE)));
    await clients.after.send(new CreateTableCommand(createTableInput(TABLE)));
    await uncached.call('CreateTable', createTableInput(TABLE));
    await new Promise((resolve) => setTimeout(resolve, 20)); // dynalite: CREATING → ACTIVE on a timer
    for (let i = 0; i < WRITERS; i++)
      await uncached.call('PutItem', { TableName: TABLE, Item: photoItem(`p${i}`) });
    for (const c of [clients.bare, clients.after])
      for (let i = 0; i < WRITERS; i++)
        await c.send(new PutItemCommand({ TableName: TABLE, Item: photoItem(`p${i}`) }));

    console.log(
      `\nMachine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ` +
        `UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '(default 4)'}, load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}; ${N} calls a row (3 rounds, round-robin), ${WRITERS} writers × ${WRITES_EACH} writes`,
    );

    // The pieces of one GetItem.
    const get = new GetItemCommand({ TableName: TABLE, Key: photoKey('p0'), ConsistentRead: true });
    const answer = JSON.stringify(await clients.bare.send(get).then(() => ({ Item: photoItem('p0') })));
    const sdkOnly = sdkOnlyClient(answer);
    const captured = await captureRequest(get);
    const fakeReq = {
      method: captured.method,
      url: captured.url,
      headers: captured.headers,
    } as IncomingMessage;
    const agent = new Agent({ keepAlive: true });
    const bareParsed = new URL(bareUrl);
    const getPayload = () => ({ TableName: TABLE, Key: photoKey('p0'), ConsistentRead: true });
    const pieces = await roundRobin({
      bare: () => clients.bare.send(get),
      sdk: () => sdkOnly.send(get),
      verify: () => verify(fakeReq, captured.body),
      raw: () => rawPost(bareParsed, agent, captured.headers, captured.body),
      engine: () => engine.call('GetItem', getPayload()),
      before: () => clients.before.send(get),
      after: () => clients.after.send(get),
    });
    const base = median(pieces.bare ?? []);
    const p = (name: string) => median(pieces[name] ?? []);
    printTable(
      `One GetItem, piece by piece (p50 of ${N}; baseline: SDK → dynalite's own HTTP server, no front server)`,
      ['what', 'p50', 'vs baseline'],
      [
        ['**baseline**: SDK → dynalite (HTTP), bare', ms(base), 'x1.00'],
        [
          'SDK client alone (serialize, sign, parse; canned answer, no network)',
          us(p('sdk')),
          ratio(p('sdk'), base),
        ],
        ['SigV4 check alone (front server)', us(p('verify')), ratio(p('verify'), base)],
        [
          'raw HTTP POST → dynalite (one loopback hop + dynalite, no SDK)',
          ms(p('raw')),
          ratio(p('raw'), base),
        ],
        [
          'dynalite alone, in-process (validation + LevelDB, no HTTP)',
          ms(p('engine')),
          ratio(p('engine'), base),
        ],
        ['→ one loopback hop (raw HTTP − in-process)', us(p('raw') - p('engine')), ''],
        ['before: SDK → front (verify) → HTTP → dynalite', ms(p('before')), ratio(p('before'), base)],
        ['after: SDK → front (verify) → dynalite in-process', ms(p('after')), ratio(p('after'), base)],
      ],
    );

    // Whole writes, before and after.
    const item = photoItem('w0');
    const writes = await roundRobin({
      bareUpdate: () => clients.bare.send(statusUpdate('p1')),
      beforeUpdate: () => clients.before.send(statusUpdate('p1')),
      afterUpdate: () => clients.after.send(statusUpdate('p1')),
      barePut: () => clients.bare.send(new PutItemCommand({ TableName: TABLE, Item: item })),
      beforePut: () => clients.before.send(new PutItemCommand({ TableName: TABLE, Item: item })),
      afterPut: () => clients.after.send(new PutItemCommand({ TableName: TABLE, Item: item })),
      beforeTx: () => clients.before.send(counterTx('p2')),
      afterTx: () => clients.after.send(counterTx('p2')),
      afterSeqTx: () => clients.afterSequential.send(counterTx('p2')),
      afterTx3: () => clients.after.send(claimTx('p3')),
      afterSeqTx3: () => clients.afterSequential.send(claimTx('p3')),
    });
    const w = (name: string) => median(writes[name] ?? []);
    printTable(
      `Writes, sequential (p50 of ${N}; ratio to the bare GetItem above, and after ÷ before)`,
      ['call', 'bare (SDK → dynalite)', 'before', 'after', 'after ÷ before'],
      [
        [
          'UpdateItem, photo status (moves the GSI key)',
          `${ms(w('bareUpdate'))} (${ratio(w('bareUpdate'), base)})`,
          `${ms(w('beforeUpdate'))} (${ratio(w('beforeUpdate'), base)})`,
          `${ms(w('afterUpdate'))} (${ratio(w('afterUpdate'), base)})`,
          ratio(w('afterUpdate'), w('beforeUpdate')),
        ],
        [
          'PutItem, photo item',
          `${ms(w('barePut'))} (${ratio(w('barePut'), base)})`,
          `${ms(w('beforePut'))} (${ratio(w('beforePut'), base)})`,
          `${ms(w('afterPut'))} (${ratio(w('afterPut'), base)})`,
          ratio(w('afterPut'), w('beforePut')),
        ],
        [
          'TransactWriteItems, photo + counter',
          '(dynalite has none)',
          `${ms(w('beforeTx'))} (${ratio(w('beforeTx'), base)})`,
          `${ms(w('afterTx'))} (${ratio(w('afterTx'), base)})`,
          ratio(w('afterTx'), w('beforeTx')),
        ],
      ],
    );
    printTable(
      `A transaction's writes at once or one at a time (after; p50 of ${N})`,
      ['transaction', 'one at a time', 'at once', 'at once ÷ one at a time'],
      [
        [
          'photo + counter (2 items)',
          ms(w('afterSeqTx')),
          ms(w('afterTx')),
          ratio(w('afterTx'), w('afterSeqTx')),
        ],
        [
          'photo + counter + event claim (3 items)',
          ms(w('afterSeqTx3')),
          ms(w('afterTx3')),
          ratio(w('afterTx3'), w('afterSeqTx3')),
        ],
      ],
    );

    // Concurrency: 32 writers at once, to distinct items and to one item.
    const rows: (string | number)[][] = [];
    const scenarios: Array<[string, (s: Send) => (w: number, i: number) => Promise<unknown>]> = [
      ['UpdateItem, 32 writers, distinct items', (s) => (wr) => s(statusUpdate(`p${wr}`))],
      ['UpdateItem, 32 writers, one item', (s) => () => s(statusUpdate('p0'))],
      ['TransactWriteItems, 32 writers, distinct items', (s) => (wr) => s(counterTx(`p${wr}`))],
      [
        'mixed: 16 UpdateItem on distinct items while 16 transact on one item',
        (s) => (wr) => (wr % 2 ? s(statusUpdate(`p${wr}`)) : s(counterTx('p0'))),
      ],
    ];
    for (const [name, make] of scenarios) {
      const results: Record<string, { calls: number[]; wallMs: number }> = {};
      for (const round of [0, 1])
        for (const variant of round ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
          const r = await concurrent(WRITERS, WRITES_EACH, make(send(clients[variant])));
          const acc = results[variant] ?? { calls: [], wallMs: 0 };
          results[variant] = { calls: acc.calls.concat(r.calls), wallMs: acc.wallMs + r.wallMs / 2 };
        }
      const b = results.before as { calls: number[]; wallMs: number };
      const a = results.after as { calls: number[]; wallMs: number };
      rows.push([
        name,
        `${ms(median(b.calls))} / ${ms(percentile(b.calls, 99))}`,
        `${ms(median(a.calls))} / ${ms(percentile(a.calls, 99))}`,
        ratio(median(a.calls), median(b.calls)),
        `${ms(b.wallMs)} → ${ms(a.wallMs)}`,
        ratio(median(a.calls), base),
      ]);
    }
    printTable(
      `Concurrent writes (${WRITERS} × ${WRITES_EACH} calls, two rounds each, alternating order)`,
      [
        'scenario',
        'before p50 / p99',
        'after p50 / p99',
        'after ÷ before (p50)',
        'wall, before → after',
        'after p50 vs bare GetItem',
      ],
      rows,
    );
    // dynalite in-process, with and without the table cache (no HTTP, no SDK).
    const updatePayload = (id: string) => statusUpdate(id).input as unknown as Record<string, unknown>;
    const cached = await roundRobin({
      getOn: () => engine.call('GetItem', getPayload()),
      getOff: () => uncached.call('GetItem', getPayload()),
      updateOn: () => engine.call('UpdateItem', updatePayload('p1')),
      updateOff: () => uncached.call('UpdateItem', updatePayload('p1')),
    });
    const c = (name: string) => median(cached[name] ?? []);
    const burst = async (e: DynamoBackend) =>
      (await concurrent(WRITERS, WRITES_EACH, (wr) => e.call('UpdateItem', updatePayload(`p${wr}`)))).wallMs;
    const walls = { on: [] as number[], off: [] as number[] };
    for (let r = 0; r < 3; r++) {
      walls.off.push(await burst(uncached));
      walls.on.push(await burst(engine));
    }
    printTable(
      'dynalite in-process: table description cached or read from LevelDB on every call',
      ['call', 'read every call', 'cached', 'cached ÷ read'],
      [
        ['GetItem p50', us(c('getOff')), us(c('getOn')), ratio(c('getOn'), c('getOff'))],
        [
          'UpdateItem (GSI key moves) p50',
          us(c('updateOff')),
          us(c('updateOn')),
          ratio(c('updateOn'), c('updateOff')),
        ],
        [
          `${WRITERS} × ${WRITES_EACH} UpdateItem at once, wall (median of 3)`,
          ms(median(walls.off)),
          ms(median(walls.on)),
          ratio(median(walls.on), median(walls.off)),
        ],
      ],
    );
    sdkOnly.destroy();
    agent.destroy();
  } finally {
    for (const c of Object.values(clients)) c.destroy();
    await before.close();
    await after.close();
    await afterSequential.close();
    await beforeBackend.close();
    await engine.close();
    await uncached.close();
    await new Promise<void>((resolve) => bare.close(() => resolve()));
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}
