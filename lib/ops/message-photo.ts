import { decodeS3Key } from '../events/s3-event.ts';
import { parsePhotoKey } from '../keys/photo-keys.ts';

/** The photo a queue message is about, or nulls when the body names none. */
export interface MessagePhoto {
  photoId: string | null;
  jobId: string | null;
}

/**
 * Reads which photo a message concerns from its body: an S3 notification (uploads queue) names
 * the object key, an EventBridge envelope (thumbnails queue) carries `job_id` and `photo_id`.
 */
export function photoOfMessage(body: string): MessagePhoto {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { photoId: null, jobId: null };
  }
  const v = value as {
    Records?: Array<{ s3?: { object?: { key?: unknown } } }>;
    detail?: { job_id?: unknown; photo_id?: unknown };
  };
  const key = v.Records?.[0]?.s3?.object?.key;
  if (typeof key === 'string') {
    let parts: ReturnType<typeof parsePhotoKey> = null;
    try {
      parts = parsePhotoKey(decodeS3Key(key));
    } catch {
      // A key that does not decode names no photo.
    }
    return { photoId: parts?.photoId ?? null, jobId: parts?.jobId ?? null };
  }
  const { job_id, photo_id } = v.detail ?? {};
  return {
    photoId: typeof photo_id === 'string' ? photo_id : null,
    jobId: typeof job_id === 'string' ? job_id : null,
  };
}
