import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { QuoteAccess } from '../auth/access.ts';
import type { PaymentMethod, Quote, QuoteStatus } from '../booking/quote.ts';
import { awaitingZelleDelta } from '../booking/quote-state.ts';
import { tableDefinition } from '../topology/table.ts';
import { type CounterDeltas, counterUpdate } from './counters.ts';
import type { Job } from './job-item.ts';
import { jobItem } from './job-item.ts';

/** Key of a quote item. */
export const quoteKey = (quoteId: string) => ({ pk: `QUOTE#${quoteId}`, sk: 'QUOTE' });

/** Live (unconfirmed, unexpired) quotes sit in the table's one index under this key, by lapse time. */
export const LIVE_QUOTES_PK = 'QUOTES#LIVE';

/** How long an applied-event mark is kept (Stripe retries a webhook for up to three days). */
const EVENT_MARK_TTL_SECONDS = 30 * 86_400;

/** The `Put` of an event's applied-once mark, for the transaction that applies it. */
function eventMark(table: string, eventId: string, nowMs: number, what: string) {
  return {
    Put: {
      TableName: table,
      Item: {
        pk: `EVENT#${eventId}`,
        sk: 'EVENT',
        type: 'event',
        applied: what,
        at: new Date(nowMs).toISOString(),
        expiresAt: Math.floor(nowMs / 1000) + EVENT_MARK_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

const liveIndex = (q: Pick<Quote, 'quoteId' | 'lapsesAt'>) => ({
  gsi1pk: LIVE_QUOTES_PK,
  gsi1sk: `${q.lapsesAt}#${q.quoteId}`,
});

/**
 * Quotes and their state changes. Every change is conditional on the state the caller decided
 * from, and the changes that move a counter or apply a webhook event do so in one transaction:
 * the quote, the counters and the event's applied-once mark move together or not at all.
 * A lost race answers `false`; the caller re-reads and decides again.
 */
export class QuoteRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The quote's owner, or null when there is no such quote. */
  async getAccess(quoteId: string): Promise<QuoteAccess | null> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: `QUOTE#${quoteId}`, sk: 'QUOTE' } }),
    );
    if (!out.Item) return null;
    return { quoteId, customerId: String(out.Item.customerId) };
  }

  /** One quote (consistent read), or null. */
  async get(quoteId: string): Promise<Quote | null> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: quoteKey(quoteId), ConsistentRead: true }),
    );
    return (out.Item as Quote | undefined) ?? null;
  }

  /** Records a new quote; never overwrites one. */
  async create(quote: Quote): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...quoteKey(quote.quoteId), type: 'quote', ...liveIndex(quote), ...quote },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** `from` → `checkout_open` with this Checkout Session. */
  async openCheckout(
    quote: Quote,
    from: QuoteStatus,
    stripe: NonNullable<Quote['stripe']>,
  ): Promise<boolean> {
    return this.#update(quote.quoteId, {
      UpdateExpression:
        'SET #status = :to, paymentMethod = :stripe, stripe = :session, checkoutAttempts = :attempt',
      ConditionExpression: '#status = :from AND lapsesAt = :lapses',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':to': 'checkout_open',
        ':stripe': 'stripe',
        ':session': stripe,
        ':attempt': stripe.attempt,
        ':from': from,
        ':lapses': quote.lapsesAt,
      },
    });
  }

  /**
   * `from` → `awaiting_zelle` with a memo whose uniqueness is its own item, a new lapse time for
   * the hold, and `bookings.awaiting_zelle` + 1, in one transaction.
   */
  async holdForZelle(
    quote: Quote,
    from: QuoteStatus,
    zelle: NonNullable<Quote['zelle']>,
    holdLapsesAt: string,
  ): Promise<'held' | 'lost' | 'memo_taken'> {
    const index = liveIndex({ quoteId: quote.quoteId, lapsesAt: holdLapsesAt });
    const deltas: CounterDeltas = { 'bookings.awaiting_zelle': awaitingZelleDelta(from, 'awaiting_zelle') };
    const outcome = await this.#transact([
      {
        Put: {
          TableName: this.table,
          Item: { pk: `ZELLE#${zelle.memo}`, sk: 'ZELLE', type: 'zelle-memo', quoteId: quote.quoteId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: this.table,
          Key: quoteKey(quote.quoteId),
          UpdateExpression:
            'SET #status = :to, paymentMethod = :zelle, zelle = :memo, lapsesAt = :lapses, gsi1pk = :gpk, gsi1sk = :gsk, zelleHeldAt = :held',
          ConditionExpression: '#status = :from AND lapsesAt = :was',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': 'awaiting_zelle',
            ':zelle': 'zelle',
            ':memo': zelle,
            ':lapses': holdLapsesAt,
            // Since when ops has been waiting for the transfer (`GET /ops/zelle`).
            ':held': new Date().toISOString(),
            ':gpk': index.gsi1pk,
            ':gsk': index.gsi1sk,
            ':from': from,
            ':was': quote.lapsesAt,
          },
        },
      },
      { Update: counterUpdate(this.table, deltas) },
    ]);
    if (outcome === true) return 'held';
    return outcome[0] === 'ConditionalCheckFailed' ? 'memo_taken' : 'lost';
  }

  /**
   * Confirms a quote from `from`: the quote, the new job, the counters and (for a webhook) the
   * event's mark in one transaction. The job id comes from the quote, so two racing confirmations
   * cannot make two jobs: the loser's transaction fails and it finds the winner's job.
   */
  async confirm(input: {
    quote: Quote;
    from: QuoteStatus;
    job: Job;
    method: PaymentMethod;
    confirmedBy: string;
    payment: Record<string, unknown>;
    eventId?: string;
    nowMs: number;
  }): Promise<boolean> {
    const delta = awaitingZelleDelta(input.from, 'confirmed');
    const outcome = await this.#transact([
      {
        Update: {
          TableName: this.table,
          Key: quoteKey(input.quote.quoteId),
          UpdateExpression:
            'SET #status = :to, jobId = :job, paymentMethod = :method, confirmedAt = :at, confirmedBy = :by, payment = :payment REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': 'confirmed',
            ':job': input.job.jobId,
            ':method': input.method,
            ':at': new Date(input.nowMs).toISOString(),
            ':by': input.confirmedBy,
            ':payment': input.payment,
            ':from': input.from,
          },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: jobItem(input.job),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(delta !== 0 ? [{ Update: counterUpdate(this.table, { 'bookings.awaiting_zelle': delta }) }] : []),
      ...(input.eventId ? [eventMark(this.table, input.eventId, input.nowMs, 'confirmed')] : []),
    ]);
    return outcome === true;
  }

  /** A lapsed live quote → `expired` (and its Zelle hold out of the counter). */
  async expire(quote: Quote, nowMs: number): Promise<boolean> {
    const delta = awaitingZelleDelta(quote.status, 'expired');
    const outcome = await this.#transact([
      {
        Update: {
          TableName: this.table,
          Key: quoteKey(quote.quoteId),
          UpdateExpression: 'SET #status = :to, expiredAt = :at REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#status = :from AND lapsesAt = :lapses AND lapsesAt <= :at',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': 'expired',
            ':at': new Date(nowMs).toISOString(),
            ':from': quote.status,
            ':lapses': quote.lapsesAt,
          },
        },
      },
      ...(delta !== 0 ? [{ Update: counterUpdate(this.table, { 'bookings.awaiting_zelle': delta }) }] : []),
    ]);
    return outcome === true;
  }

  /** `checkout_open` with this session → `open` again (its Checkout Session expired unpaid). */
  async releaseCheckout(quote: Quote, sessionId: string, eventId: string, nowMs: number): Promise<boolean> {
    const outcome = await this.#transact([
      {
        Update: {
          TableName: this.table,
          Key: quoteKey(quote.quoteId),
          UpdateExpression: 'SET #status = :open, paymentMethod = :none',
          ConditionExpression: '#status = :checkout AND stripe.sessionId = :session',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':open': 'open',
            ':none': null,
            ':checkout': 'checkout_open',
            ':session': sessionId,
          },
        },
      },
      eventMark(this.table, eventId, nowMs, 'released'),
    ]);
    return outcome === true;
  }

  /**
   * Records a paid session that does not confirm (mismatch, or paid twice) once per event:
   * the mark, `bookings.payment_mismatch` + 1 and the note on the quote (when there is one).
   * Returns false when this event was recorded before.
   */
  async recordPaymentProblem(
    quoteId: string | null,
    eventId: string,
    reason: string,
    nowMs: number,
  ): Promise<boolean> {
    const note = { eventId, reason, at: new Date(nowMs).toISOString() };
    const outcome = await this.#transact([
      eventMark(this.table, eventId, nowMs, 'payment_problem'),
      { Update: counterUpdate(this.table, { 'bookings.payment_mismatch': 1 }) },
      ...(quoteId
        ? [
            {
              Update: {
                TableName: this.table,
                Key: quoteKey(quoteId),
                UpdateExpression: 'SET problems = list_append(if_not_exists(problems, :empty), :note)',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':empty': [], ':note': [note] },
              },
            },
          ]
        : []),
    ]);
    return outcome === true;
  }

  /** True when a webhook event was applied before. */
  async eventApplied(eventId: string): Promise<boolean> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `EVENT#${eventId}`, sk: 'EVENT' },
        ConsistentRead: true,
      }),
    );
    return Boolean(out.Item);
  }

  /**
   * Claims the right to emit `booking.confirmed` for a confirmed quote: true for exactly one
   * caller while the event is unsent and no other claim younger than `leaseMs` holds.
   */
  async claimConfirmedEvent(quoteId: string, nowMs: number, leaseMs: number): Promise<boolean> {
    return this.#update(quoteId, {
      UpdateExpression: 'SET eventClaimedAt = :now',
      ConditionExpression:
        '#status = :confirmed AND attribute_not_exists(eventSent) AND (attribute_not_exists(eventClaimedAt) OR eventClaimedAt < :stale)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':now': nowMs, ':stale': nowMs - leaseMs, ':confirmed': 'confirmed' },
    });
  }

  /** Gives a claim back after a failed put, so the retry emits the event. */
  async releaseConfirmedEvent(quoteId: string): Promise<void> {
    await this.#update(quoteId, {
      UpdateExpression: 'REMOVE eventClaimedAt',
      ConditionExpression: '#status = :confirmed',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':confirmed': 'confirmed' },
    });
  }

  /** Marks `booking.confirmed` as emitted for a confirmed quote (a replay emits it only if not). */
  async markConfirmedEventSent(quoteId: string): Promise<void> {
    await this.#update(quoteId, {
      UpdateExpression: 'SET eventSent = :yes',
      ConditionExpression: '#status = :confirmed',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':yes': true, ':confirmed': 'confirmed' },
    });
  }

  /** Live quotes whose time is up (the index is sorted by lapse time; no scan). */
  async listLapsed(nowMs: number, limit: number): Promise<Array<Pick<Quote, 'quoteId'>>> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: tableDefinition.customerIndex.name,
        KeyConditionExpression: 'gsi1pk = :live AND gsi1sk <= :now',
        ExpressionAttributeValues: { ':live': LIVE_QUOTES_PK, ':now': `${new Date(nowMs).toISOString()}#~` },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => ({ quoteId: String(item.quoteId) }));
  }

  /**
   * A page of the quotes awaiting a Zelle transfer, soonest to lapse first: the live index's one
   * partition (unconfirmed, unexpired quotes, a bounded set), filtered to `awaiting_zelle`.
   * `after` is the live-index sort value of the last quote of the previous page.
   */
  async listAwaitingZelle(limit: number, after?: string): Promise<{ quotes: Quote[]; next: string | null }> {
    const quotes: Quote[] = [];
    let start: Record<string, unknown> | undefined = after
      ? { gsi1pk: LIVE_QUOTES_PK, gsi1sk: after, ...quoteKey(after.slice(after.lastIndexOf('#') + 1)) }
      : undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: tableDefinition.customerIndex.name,
          KeyConditionExpression: 'gsi1pk = :live',
          FilterExpression: '#status = :awaiting',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':live': LIVE_QUOTES_PK, ':awaiting': 'awaiting_zelle' },
          Limit: limit - quotes.length,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      quotes.push(...((out.Items ?? []) as Quote[]));
      start = out.LastEvaluatedKey;
    } while (start && quotes.length < limit);
    return { quotes, next: start ? String(start.gsi1sk) : null };
  }

  async #update(
    quoteId: string,
    expr: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
    },
  ): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand({ TableName: this.table, Key: quoteKey(quoteId), ...expr }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Runs a transaction; true, or the cancellation reason codes when a condition failed. */
  async #transact(
    items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
  ) {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true as const;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
      // A failed condition or a concurrent transaction on one of the items (the counters item is
      // shared): both mean "re-read and decide again"; anything else is a real fault.
      if (!codes.some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict')) throw error;
      return codes;
    }
  }
}
