/** The object a reconcile re-enqueues: its key and its current size and ETag. */
export interface RequeuedObject {
  bucket: string;
  key: string;
  size: number;
  /** As S3 lists it (quoted) or as events carry it (bare); sent bare. */
  etag: string;
}

/**
 * A sequencer below every real one (`normalizeSequencer` pads it to 32 zeros): a photo with no
 * verdict takes it, and any real event for the key, earlier or later, still wins over it.
 */
export const RECONCILE_SEQUENCER = '0';

/** Encodes a key as S3 does in event notifications: URL encoding, `+` for a space, `/` kept. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

/**
 * The body of an `ObjectCreated` notification for an object that exists, in the shape S3 puts on
 * the uploads queue, so on-upload treats a re-enqueued original exactly as a first delivery.
 */
export function objectCreatedMessage(object: RequeuedObject, region: string, now: Date): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: now.toISOString(),
        eventName: 'ObjectCreated:Post',
        userIdentity: { principalId: 'qdn-reconcile' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: {},
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'qdn-reconcile',
          bucket: {
            name: object.bucket,
            ownerIdentity: { principalId: 'qdn-reconcile' },
            arn: `arn:aws:s3:::${object.bucket}`,
          },
          object: {
            key: encodeEventKey(object.key),
            size: object.size,
            eTag: object.etag.replace(/^"|"$/g, ''),
            sequencer: RECONCILE_SEQUENCER,
          },
        },
      },
    ],
  });
}
