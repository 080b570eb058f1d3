import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import Database from 'better-sqlite3';
import { LOCAL_CREDENTIALS } from '../../local/auth/local-credentials.ts';
import type { RuntimeChild } from './child.ts';

/** What one HTTP call answered: status, parsed body (or text) and the raw text. */
export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are read field by field by the checks.
  body: any;
  text: string;
  type: string;
}

/** Calls the API; a connection error answers status 0 (the runtime may be dead on purpose). */
export async function call(
  api: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  try {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined || options.raw !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.raw !== undefined ? { body: options.raw } : {}),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, text, type: res.headers.get('content-type') ?? '' };
  } catch (error) {
    return { status: 0, body: null, text: String(error), type: '' };
  }
}

/** A token for a seeded user from `/dev/token`. */
export async function token(api: string, sub: string, role: string): Promise<string> {
  const out = await call(api, 'POST', '/dev/token', { body: { sub, role } });
  if (out.status !== 200) throw new Error(`token for ${sub}: ${out.status} ${out.text}`);
  return out.body.token as string;
}

/** A presigned POST grant. */
export interface Grant {
  photo_id: string;
  key: string;
  url: string;
  fields: Record<string, string>;
}

/** Asks for an upload URL; throws unless 200. */
export async function grant(
  api: string,
  crew: string,
  size: number,
  options: { jobId?: string; contentType?: string; filename?: string } = {},
): Promise<Grant> {
  const out = await call(api, 'POST', '/upload-url', {
    token: crew,
    body: {
      job_id: options.jobId ?? 'job-demo-1',
      filename: options.filename ?? 'photo.jpg',
      content_type: options.contentType ?? 'image/jpeg',
      size,
    },
  });
  if (out.status !== 200) throw new Error(`upload-url: ${out.status} ${out.text}`);
  return out.body as Grant;
}

/** Posts a file to a grant as a browser does (fields, then the file); status 0 on a lost connection. */
export async function post(grantValue: Grant, data: Uint8Array, contentType = 'image/jpeg'): Promise<number> {
  const form = new FormData();
  for (const [name, value] of Object.entries(grantValue.fields)) form.append(name, value);
  form.append('file', new Blob([Buffer.from(data)], { type: contentType }), 'photo.jpg');
  try {
    const res = await fetch(grantValue.url, { method: 'POST', body: form });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** The local AWS endpoints of a runtime, with the local credentials. */
export async function awsClients(api: string) {
  const info = (await call(api, 'GET', '/dev/info')).body as { s3: string; dynamodb: string; bucket: string };
  const base = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
  const s3 = new S3Client({ ...base, endpoint: info.s3, forcePathStyle: true });
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ ...base, endpoint: info.dynamodb }));
  return { s3, dynamo, bucket: info.bucket };
}

/** A photo record as stored. */
export interface PhotoItem {
  pk: string;
  sk: string;
  photoId: string;
  jobId: string;
  status: string;
  reason?: string;
  sha256?: string;
  etag?: string;
  gps?: { lat: number; lon: number; source: string } | null;
  thumbnails?: Record<string, string>;
}

/** Every item of the table (the suite's runtimes hold a few thousand at most). */
export async function scanAll(api: string): Promise<Record<string, unknown>[]> {
  const { dynamo } = await awsClients(api);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.send(
      new ScanCommand({ TableName: 'qdn', ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...((out.Items ?? []) as Record<string, unknown>[]));
    start = out.LastEvaluatedKey;
  } while (start);
  dynamo.destroy();
  return items;
}

/** Photo records, by photo id (several for one id would be a duplicate record). */
export async function photoRecords(api: string): Promise<Map<string, PhotoItem[]>> {
  const out = new Map<string, PhotoItem[]>();
  for (const item of await scanAll(api)) {
    if (typeof item.sk !== 'string' || !item.sk.startsWith('PHOTO#')) continue;
    const photo = item as unknown as PhotoItem;
    out.set(photo.photoId, [...(out.get(photo.photoId) ?? []), photo]);
  }
  return out;
}

/** Every object key of the bucket under a prefix. */
export async function listKeys(api: string, prefix: string): Promise<string[]> {
  const { s3, bucket } = await awsClients(api);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    keys.push(...(out.Contents ?? []).map((o) => o.Key ?? ''));
    token = out.NextContinuationToken;
  } while (token);
  s3.destroy();
  return keys;
}

/** What the observer preload recorded: events put on the bus and thumbnail writes. */
export interface Fact {
  fact: 'event' | 'thumb';
  type?: string;
  photo_id?: string;
  quote_id?: string;
  key?: string;
  detail?: Record<string, unknown>;
  at: number;
}

/** The observer's facts so far. */
export function facts(child: RuntimeChild): Fact[] {
  try {
    return readFileSync(join(child.dataDir, 'observed.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Fact);
  } catch {
    return [];
  }
}

/** A message stored in the runtime's queue file. */
export interface StoredMessage {
  id: string;
  queue: string;
  body: string;
  receive_count: number;
  last_error: string | null;
}

/** Reads (or, for the duplicate re-delivery, writes) the runtime's queue file beside it (WAL). */
export function queueFile(child: RuntimeChild) {
  const db = new Database(join(child.dataDir, 'queues.sqlite'));
  db.pragma('busy_timeout = 5000');
  return {
    messages: (queue: string) =>
      db.prepare('SELECT * FROM messages WHERE queue = ? ORDER BY seq').all(queue) as StoredMessage[],
    count: (queue: string) =>
      (db.prepare('SELECT COUNT(*) AS n FROM messages WHERE queue = ?').get(queue) as { n: number }).n,
    /** Sends a body as the runtime's own send does (new id, visible now, at the back). */
    send: (queue: string, body: string) => {
      const now = Date.now();
      db.prepare(
        `INSERT INTO messages (id, queue, body, sent_at, visible_at, seq)
         VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages))`,
      ).run(crypto.randomUUID(), queue, body, now, now);
    },
    close: () => db.close(),
  };
}

/** Waits until `check` is true or `ms` pass; returns whether it became true. */
export async function until(
  check: () => Promise<boolean> | boolean,
  ms: number,
  every = 250,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Sleeps. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}
