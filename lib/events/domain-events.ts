import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { z } from 'zod';
import { EVENT_SOURCE } from '../topology/topology.ts';

/** `photo.received`: the object is a real image within limits; thumbnails may be made. */
export const photoReceivedDetail = z.object({
  job_id: z.string(),
  photo_id: z.string(),
  bucket: z.string(),
  key: z.string(),
  size: z.number().int(),
  content_type: z.string(),
  sequencer: z.string(),
  etag: z.string().optional(),
  orientation: z.number().int().nullable().optional(),
});

/** The detail of `photo.received`. */
export type PhotoReceivedDetail = z.infer<typeof photoReceivedDetail>;

/** `photo.processed`: thumbnails are written and the photo is `ready`. */
export interface PhotoProcessedDetail {
  job_id: string;
  photo_id: string;
  width: number;
  height: number;
  thumbnails: Record<string, string>;
  sha256: string;
}

/** The envelope EventBridge delivers to an SQS target, with a typed detail. */
export const eventEnvelope = <D extends z.ZodType>(detail: D) =>
  z.object({
    version: z.string(),
    id: z.string(),
    'detail-type': z.string(),
    source: z.string(),
    time: z.string(),
    detail,
  });

/** Raised when the bus refused an entry: the caller retries it through its queue. */
export class PutEventsFailedError extends Error {
  constructor(detailType: string, code: string | undefined, message: string | undefined) {
    super(`Expected the bus to accept ${detailType} but it answered ${code ?? 'an error'}: ${message ?? ''}`);
    this.name = 'PutEventsFailedError';
  }
}

/** Puts one domain event and checks the per-entry result (PutEvents does not throw for those). */
export async function emitEvent(
  events: EventBridgeClient,
  busName: string,
  detailType: string,
  detail: object,
): Promise<string> {
  const out = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: busName,
          Source: EVENT_SOURCE,
          DetailType: detailType,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  const entry = out.Entries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
    throw new PutEventsFailedError(detailType, entry?.ErrorCode, entry?.ErrorMessage);
  }
  return entry.EventId;
}
