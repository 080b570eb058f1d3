import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from '../queue/sqs-event.ts';

/** One `PutEvents` entry, as the EventBridge API takes it. */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: string | Date | number;
}

/** One result per entry: an event id or an error code, never both. */
export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** The `PutEvents` response: failures are reported per entry, not thrown. */
export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** The event envelope EventBridge delivers to an SQS target (the message body). */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** A rule: events of this source and one of these detail-types go to the target. */
export interface LocalRule {
  name: string;
  source: string;
  detailTypes: string[];
  target: (body: string) => void;
}

const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * A local EventBridge bus: validates entries as `PutEvents` does, answers per entry, and delivers
 * each accepted event to every matching rule's target as the JSON envelope an SQS target receives.
 */
export class LocalEventBus {
  readonly name: string;
  readonly #region: string;
  readonly #rules: LocalRule[];

  constructor(options: { name: string; region: string; rules: LocalRule[] }) {
    this.name = options.name;
    this.#region = options.region;
    this.#rules = options.rules;
  }

  /** The region the bus answers for (signatures must name it). */
  get region(): string {
    return this.#region;
  }

  /** Puts up to ten events; throws only for a request that is malformed as a whole. */
  putEvents(entries: PutEventsEntry[]): PutEventsResult {
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
      throw new ValidationError(`Expected 1 to ${MAX_ENTRIES} entries but received ${entries?.length ?? 0}`);
    }
    const results = entries.map((entry) => this.#put(entry));
    return {
      FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length,
      Entries: results,
    };
  }

  #put(entry: PutEventsEntry): PutEventsResultEntry {
    const problem = this.#validate(entry);
    if (problem) return { ErrorCode: problem.code, ErrorMessage: problem.message };
    const envelope: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType as string,
      source: entry.Source as string,
      account: LOCAL_ACCOUNT_ID,
      time: toIsoSeconds(entry.Time),
      region: this.#region,
      resources: entry.Resources ?? [],
      detail: JSON.parse(entry.Detail as string),
    };
    const body = JSON.stringify(envelope);
    for (const rule of this.#rules) {
      if (rule.source === envelope.source && rule.detailTypes.includes(envelope['detail-type'])) {
        rule.target(body);
      }
    }
    return { EventId: envelope.id };
  }

  #validate(entry: PutEventsEntry): { code: string; message: string } | undefined {
    const bus = entry.EventBusName ?? 'default';
    const busName = bus.startsWith('arn:') ? bus.slice(bus.lastIndexOf('/') + 1) : bus;
    if (busName !== this.name) {
      return { code: 'NotAuthorizedForSourceException', message: `Event bus ${bus} does not exist.` };
    }
    if (!entry.Source) return { code: 'InvalidArgument', message: 'Parameter Source is not valid.' };
    if (!entry.DetailType) return { code: 'InvalidArgument', message: 'Parameter DetailType is not valid.' };
    if (!entry.Detail) return { code: 'InvalidArgument', message: 'Parameter Detail is not valid.' };
    try {
      const detail: unknown = JSON.parse(entry.Detail);
      if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
        throw new Error('not an object');
    } catch {
      return { code: 'MalformedDetail', message: 'Detail is malformed.' };
    }
    const size =
      Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail);
    if (size > MAX_ENTRY_BYTES) {
      return {
        code: 'InvalidArgument',
        message: `Total size of the entry exceeds the ${MAX_ENTRY_BYTES} bytes limit.`,
      };
    }
    return undefined;
  }
}

/** A request that EventBridge would refuse as a whole (HTTP 400 `ValidationException`). */
export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

function toIsoSeconds(time: PutEventsEntry['Time']): string {
  const date = time === undefined ? new Date() : new Date(typeof time === 'number' ? time * 1000 : time);
  // EventBridge envelopes carry whole seconds: 2026-11-27T18:53:26Z.
  return `${date.toISOString().slice(0, 19)}Z`;
}
