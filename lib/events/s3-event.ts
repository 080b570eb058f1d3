import { z } from 'zod';

/**
 * One S3 event record, owned here because the stock schemas refuse IPv6 source addresses and
 * the `s3:TestEvent` message. Only what the pipeline reads is required.
 */
export const s3EventRecord = z.object({
  eventVersion: z.string(),
  eventSource: z.literal('aws:s3'),
  awsRegion: z.string(),
  eventTime: z.string(),
  eventName: z.string().startsWith('ObjectCreated:'),
  requestParameters: z.object({ sourceIPAddress: z.string() }).partial().optional(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().min(0).optional(),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
      sequencer: z.string().regex(/^[0-9A-Fa-f]+$/),
    }),
  }),
});

/** A parsed S3 record. */
export type S3EventRecord = z.infer<typeof s3EventRecord>;

/** The one-off message S3 sends when a notification is configured. */
export const s3TestEvent = z.object({ Event: z.literal('s3:TestEvent'), Service: z.literal('Amazon S3') });

/** The body S3 puts on the queue: records, or the one-off test event. */
export const s3NotificationBody = z.union([
  z.object({ Records: z.array(s3EventRecord).min(1) }),
  s3TestEvent,
]);

/** A parsed notification body. */
export type S3NotificationBody = z.infer<typeof s3NotificationBody>;

/** Raised when a key in an event is not valid URL encoding. */
export class MalformedKeyError extends Error {
  constructor(key: string, options?: { cause?: unknown }) {
    super(`Expected a URL-encoded S3 key but received "${key.slice(0, 200)}"`, options);
    this.name = 'MalformedKeyError';
  }
}

/** Decodes an event key exactly once: `+` is a space, then percent-decoding (in that order). */
export function decodeS3Key(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch (error) {
    throw new MalformedKeyError(encoded, { cause: error });
  }
}

/**
 * Sequencers order events for one key. They can differ in length: S3's documentation says to
 * right-pad the shorter with zeros, then compare as strings (older versions said left), so
 * they are stored right-padded to a fixed width.
 */
export function normalizeSequencer(sequencer: string): string {
  return sequencer.toUpperCase().padEnd(32, '0');
}
