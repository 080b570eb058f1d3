import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestContext } from './context.ts';
import { newHostId, newRequestId } from './ids.ts';
import type { StoredObject } from './object-store.ts';
import type { S3BucketOptions, S3LogEntry, S3NotificationTarget } from './types.ts';
import { formEncodeKey } from './url-encoding.ts';

/** The object-created event names this endpoint emits. */
export type ObjectCreatedEventName = 'ObjectCreated:Copy' | 'ObjectCreated:Post' | 'ObjectCreated:Put';

/** What an object-created event reports. */
export interface ObjectCreated {
  bucket: string;
  region: string;
  eventName: ObjectCreatedEventName;
  object: StoredObject;
  /** The access key that authorized the write (POST policy signer or request signer). */
  accessKeyId: string;
  sourceIp: string;
  requestId: string;
  hostId: string;
  /** Milliseconds since the epoch. */
  eventTime: number;
}

/** Stands in for the bucket owner's canonical id, which has no local meaning. */
const OWNER_ID = 'A3QDNLOCALBUCKETOWNER';

/** The SQS body S3 sends for one object-created event, record for record as documented (version 2.1). */
export function objectCreatedBody(event: ObjectCreated, configurationId: string): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: event.region,
        eventTime: new Date(event.eventTime).toISOString(),
        eventName: event.eventName,
        userIdentity: { principalId: `AWS:${event.accessKeyId}` },
        requestParameters: { sourceIPAddress: event.sourceIp },
        responseElements: { 'x-amz-request-id': event.requestId, 'x-amz-id-2': event.hostId },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId,
          bucket: {
            name: event.bucket,
            ownerIdentity: { principalId: OWNER_ID },
            arn: `arn:aws:s3:::${event.bucket}`,
          },
          object: {
            key: formEncodeKey(event.object.key),
            size: event.object.size,
            eTag: event.object.etag,
            sequencer: event.object.sequencer,
          },
        },
      },
    ],
  });
}

/**
 * Sends an object-created event to every target whose prefix matches the key, one after the
 * other, awaiting each so the upload is acknowledged only once its events are handed over.
 * A failing target is logged and skipped: S3 never fails an upload over a notification.
 */
export async function notifyObjectCreated(
  targets: readonly S3NotificationTarget[],
  event: ObjectCreated,
  log: (entry: S3LogEntry) => void,
): Promise<void> {
  for (const target of targets) {
    if (!event.object.key.startsWith(target.prefix)) continue;
    try {
      await target.send(objectCreatedBody(event, target.id));
    } catch (error) {
      log({
        level: 'error',
        msg: 's3 notification target failed; the event is lost',
        bucket: event.bucket,
        key: event.object.key,
        configurationId: target.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** Announces a write made by one request to its bucket's notification targets. */
export function announceCreated(
  ctx: RequestContext,
  eventName: ObjectCreatedEventName,
  object: StoredObject,
  accessKeyId: string,
): Promise<void> {
  return notifyObjectCreated(
    ctx.bucket.notifications,
    {
      bucket: ctx.bucket.name,
      region: ctx.server.region,
      eventName,
      object,
      accessKeyId,
      sourceIp: ctx.sourceIp,
      requestId: ctx.requestId,
      hostId: ctx.hostId,
      eventTime: object.lastModified,
    },
    ctx.server.log,
  );
}

function markerPath(root: string, bucket: string, target: S3NotificationTarget): string {
  return join(root, 'notifications', bucket, `${encodeURIComponent(target.id)}.json`);
}

async function alreadyConfigured(path: string, target: S3NotificationTarget): Promise<boolean> {
  try {
    const marker = JSON.parse(await readFile(path, 'utf8')) as { prefix?: unknown };
    return marker.prefix === target.prefix;
  } catch {
    return false;
  }
}

/**
 * Sends S3's `s3:TestEvent` to each notification target the first time it is configured (a new
 * id, or a changed prefix), as S3 does on PutBucketNotificationConfiguration. A marker under
 * `root` remembers it across restarts; a failed send leaves no marker, so the next start retries.
 */
export async function sendTestEvents(
  root: string,
  buckets: readonly S3BucketOptions[],
  now: () => number,
  log: (entry: S3LogEntry) => void,
): Promise<void> {
  for (const bucket of buckets) {
    for (const target of bucket.notifications) {
      const path = markerPath(root, bucket.name, target);
      if (await alreadyConfigured(path, target)) continue;
      const time = new Date(now()).toISOString();
      const body = JSON.stringify({
        Service: 'Amazon S3',
        Event: 's3:TestEvent',
        Time: time,
        Bucket: bucket.name,
        RequestId: newRequestId(),
        HostId: newHostId(),
      });
      try {
        await target.send(body);
      } catch (error) {
        log({
          level: 'error',
          msg: 's3 test event not delivered; will retry at next start',
          bucket: bucket.name,
          configurationId: target.id,
          error: error instanceof Error ? error.message : String(error),
        });
        continue;
      }
      await mkdir(join(root, 'notifications', bucket.name), { recursive: true });
      await writeFile(`${path}.tmp`, JSON.stringify({ prefix: target.prefix, configuredAt: time }));
      await rename(`${path}.tmp`, path);
    }
  }
}
