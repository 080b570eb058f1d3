import { createHash, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { QueueDoesNotExistError, ReceiptHandleIsInvalidError } from './errors.ts';
import type { PeekedMessage, QueueCounts, QueueDefinition, ReceivedMessage } from './types.ts';

interface Row {
  id: string;
  queue: string;
  body: string;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  first_received_at: number | null;
  receipt_handle: string | null;
  dlq_source: string | null;
  last_error: string | null;
}

/** Options of {@link QueueStore}: the SQLite file (or `:memory:`) and a clock for tests. */
export interface QueueStoreOptions {
  path: string;
  now?: () => number;
}

/**
 * Durable queues with SQS semantics on SQLite: at-least-once delivery, visibility timeouts,
 * receive counts, dead-lettering after `maxReceiveCount`, delays and redrive.
 * Every state change is one statement or one transaction, so a crash never half-moves a message;
 * a message in flight when the process dies becomes visible when its timeout passes.
 */
export class QueueStore {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #queues = new Map<string, QueueDefinition>();
  readonly #listeners = new Set<(queue: string) => void>();
  /** Prepared once per SQL text: preparing costs more than running these small statements. */
  readonly #statements = new Map<string, Database.Statement>();

  constructor(options: QueueStoreOptions) {
    this.#now = options.now ?? Date.now;
    this.#db = new Database(options.path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS messages (
        id TEXT PRIMARY KEY,
        queue TEXT NOT NULL,
        body TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        visible_at INTEGER NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        first_received_at INTEGER,
        receipt_handle TEXT UNIQUE,
        dlq_source TEXT,
        last_error TEXT,
        seq INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS messages_by_queue ON messages (queue, visible_at, seq);
    `);
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Declares a queue (idempotent); messages already stored for it are kept. */
  define(definition: QueueDefinition): void {
    this.#queues.set(definition.name, definition);
  }

  /** The definition of a declared queue. */
  definition(queue: string): QueueDefinition {
    const def = this.#queues.get(queue);
    if (!def) throw new QueueDoesNotExistError(queue);
    return def;
  }

  /** Names of every declared queue. */
  names(): string[] {
    return [...this.#queues.keys()];
  }

  /** Calls `listener` after every send (pollers use it to wake up instead of waiting). */
  onSend(listener: (queue: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends a message; `delaySeconds` keeps it invisible (and counted as delayed) for a while. */
  send(queue: string, body: string, options: { delaySeconds?: number } = {}): { messageId: string } {
    this.definition(queue);
    const now = this.#now();
    const messageId = randomUUID();
    this.#prepare(
      `INSERT INTO messages (id, queue, body, sent_at, visible_at, seq)
         VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages))`,
    ).run(messageId, queue, body, now, now + (options.delaySeconds ?? 0) * 1000);
    for (const listener of this.#listeners) listener(queue);
    return { messageId };
  }

  /**
   * Receives up to `max` visible messages and hides them for the visibility timeout. A message
   * that has already been received `maxReceiveCount` times goes to the DLQ instead, as on SQS.
   */
  receive(queue: string, max: number, visibilityTimeoutSeconds?: number): ReceivedMessage[] {
    const def = this.definition(queue);
    const timeout = visibilityTimeoutSeconds ?? def.visibilityTimeoutSeconds;
    return this.#db.transaction(() => {
      const now = this.#now();
      this.#expire(queue, def, now);
      const out: ReceivedMessage[] = [];
      const select = this.#prepare(
        'SELECT * FROM messages WHERE queue = ? AND visible_at <= ? ORDER BY seq LIMIT ?',
      );
      while (out.length < max) {
        const rows = select.all(queue, now, max - out.length) as Row[];
        if (rows.length === 0) break;
        for (const row of rows) {
          if (def.redrive && row.receive_count >= def.redrive.maxReceiveCount) {
            this.#deadLetter(row, def.redrive.deadLetterQueue, now);
            continue;
          }
          out.push(this.#markReceived(row, now, timeout));
        }
      }
      return out;
    })();
  }

  /** Deletes a received message; a stale or unknown handle is an error, as on SQS. */
  delete(queue: string, receiptHandle: string): void {
    this.definition(queue);
    const result = this.#prepare('DELETE FROM messages WHERE queue = ? AND receipt_handle = ?').run(
      queue,
      receiptHandle,
    );
    if (result.changes === 0) throw new ReceiptHandleIsInvalidError(receiptHandle);
  }

  /** Changes the visibility of a message in flight (0 makes it visible at once). */
  changeVisibility(queue: string, receiptHandle: string, seconds: number): void {
    this.definition(queue);
    const result = this.#prepare(
      'UPDATE messages SET visible_at = ? WHERE queue = ? AND receipt_handle = ?',
    ).run(this.#now() + seconds * 1000, queue, receiptHandle);
    if (result.changes === 0) throw new ReceiptHandleIsInvalidError(receiptHandle);
  }

  /**
   * Notes why the last delivery of a message failed (shown to ops with DLQ messages). With
   * `keepExisting`, a reason the consumer already gave for this delivery is not overwritten.
   */
  recordError(
    queue: string,
    receiptHandle: string,
    error: string,
    options: { keepExisting?: boolean } = {},
  ): void {
    const sql = options.keepExisting
      ? 'UPDATE messages SET last_error = COALESCE(last_error, ?) WHERE queue = ? AND receipt_handle = ?'
      : 'UPDATE messages SET last_error = ? WHERE queue = ? AND receipt_handle = ?';
    this.#prepare(sql).run(error.slice(0, 2000), queue, receiptHandle);
  }

  /** Approximate counts and the age of the oldest message. */
  counts(queue: string): QueueCounts {
    const def = this.definition(queue);
    const now = this.#now();
    this.#expire(queue, def, now);
    const row = this.#prepare(
      `SELECT
           SUM(CASE WHEN visible_at <= ? THEN 1 ELSE 0 END) AS visible,
           SUM(CASE WHEN visible_at > ? AND receipt_handle IS NOT NULL THEN 1 ELSE 0 END) AS in_flight,
           SUM(CASE WHEN visible_at > ? AND receipt_handle IS NULL THEN 1 ELSE 0 END) AS delayed,
           MIN(sent_at) AS oldest
         FROM messages WHERE queue = ?`,
    ).get(now, now, now, queue) as {
      visible: number | null;
      in_flight: number | null;
      delayed: number | null;
      oldest: number | null;
    };
    return {
      visible: row.visible ?? 0,
      inFlight: row.in_flight ?? 0,
      delayed: row.delayed ?? 0,
      oldestAgeSeconds: row.oldest === null ? 0 : Math.max(0, Math.floor((now - row.oldest) / 1000)),
    };
  }

  /** Lists messages without receiving them (for ops looking into a DLQ). */
  peek(queue: string, limit = 100): PeekedMessage[] {
    this.definition(queue);
    const rows = this.#prepare('SELECT * FROM messages WHERE queue = ? ORDER BY seq LIMIT ?').all(
      queue,
      limit,
    ) as Row[];
    return rows.map((r) => ({
      messageId: r.id,
      body: r.body,
      receiveCount: r.receive_count,
      sentTimestamp: r.sent_at,
      ...(r.dlq_source ? { deadLetterSourceQueue: r.dlq_source } : {}),
      ...(r.last_error ? { lastError: r.last_error } : {}),
    }));
  }

  /**
   * Moves messages from a DLQ back to `destination` (default: the queue each came from), visible
   * at once, with a fresh receive count and a new id, as SQS's message move task does. Returns how
   * many moved.
   */
  redrive(deadLetterQueue: string, destination?: string, limit = Number.MAX_SAFE_INTEGER): number {
    this.definition(deadLetterQueue);
    if (destination) this.definition(destination);
    const targets = new Set<string>();
    const moved = this.#db.transaction(() => {
      const rows = this.#prepare('SELECT * FROM messages WHERE queue = ? ORDER BY seq LIMIT ?').all(
        deadLetterQueue,
        limit,
      ) as Row[];
      // A moved message is a new message (new id, new enqueue time, at the back of the queue),
      // as SQS's message move task makes it: the source queue's retention counts from now.
      const move = this.#prepare(
        `UPDATE messages SET id = ?, queue = ?, sent_at = ?, visible_at = ?, receive_count = 0,
           first_received_at = NULL, receipt_handle = NULL, dlq_source = NULL, last_error = NULL,
           seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages) WHERE id = ?`,
      );
      let moved = 0;
      for (const row of rows) {
        const target = destination ?? row.dlq_source;
        if (!target || !this.#queues.has(target)) continue;
        const now = this.#now();
        move.run(randomUUID(), target, now, now, row.id);
        targets.add(target);
        moved++;
      }
      return moved;
    })();
    for (const target of targets) for (const listener of this.#listeners) listener(target);
    return moved;
  }

  /**
   * Makes every message in flight visible at once: for a process that is the only consumer of
   * its queues, a message still hidden at start was held by its previous process, which died.
   * Receive counts stay as they are (as on SQS, a lost delivery was a delivery). Returns how
   * many were released, by queue.
   */
  releaseInFlight(): Record<string, number> {
    const now = this.#now();
    const rows = this.#prepare(
      `UPDATE messages SET visible_at = ?, receipt_handle = NULL
         WHERE receipt_handle IS NOT NULL AND visible_at > ? RETURNING queue`,
    ).all(now, now) as Array<{ queue: string }>;
    const released: Record<string, number> = {};
    for (const { queue } of rows) released[queue] = (released[queue] ?? 0) + 1;
    return released;
  }

  /** Deletes every message of a queue (tests and `purge`). */
  purge(queue: string): void {
    this.definition(queue);
    this.#prepare('DELETE FROM messages WHERE queue = ?').run(queue);
  }

  /** Closes the database; in-flight messages reappear after their timeout on the next start. */
  close(): void {
    this.#db.close();
  }

  #markReceived(row: Row, now: number, timeoutSeconds: number): ReceivedMessage {
    const handle = `${row.id}:${randomUUID()}`;
    const firstReceived = row.first_received_at ?? now;
    this.#prepare(
      `UPDATE messages SET receive_count = receive_count + 1, visible_at = ?, receipt_handle = ?,
           first_received_at = ?, last_error = NULL WHERE id = ?`,
    ).run(now + timeoutSeconds * 1000, handle, firstReceived, row.id);
    return {
      messageId: row.id,
      receiptHandle: handle,
      body: row.body,
      md5OfBody: createHash('md5').update(row.body).digest('hex'),
      receiveCount: row.receive_count + 1,
      sentTimestamp: row.sent_at,
      firstReceiveTimestamp: firstReceived,
      ...(row.dlq_source ? { deadLetterSourceQueue: row.dlq_source } : {}),
    };
  }

  #deadLetter(row: Row, dlq: string, now: number): void {
    // The message keeps its id, body, receive count and sent time, as SQS does.
    this.#prepare(
      'UPDATE messages SET queue = ?, visible_at = ?, receipt_handle = NULL, dlq_source = ? WHERE id = ?',
    ).run(dlq, now, row.queue, row.id);
  }

  /** Drops messages older than the queue's retention period, as SQS does. */
  #expire(queue: string, def: QueueDefinition, now: number): void {
    this.#prepare('DELETE FROM messages WHERE queue = ? AND sent_at < ?').run(
      queue,
      now - def.retentionSeconds * 1000,
    );
  }
}
