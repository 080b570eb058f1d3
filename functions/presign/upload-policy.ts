import type { PresignedPostOptions } from '@aws-sdk/s3-presigned-post';

/** What the policy pins, all decided on the server. */
export interface UploadPolicyInput {
  bucket: string;
  key: string;
  contentType: string;
  maxBytes: number;
  expiresSeconds: number;
  uploader: string;
  photoId: string;
  deviceGps?: { lat: number; lon: number; accuracy_m?: number };
}

/**
 * The presigned POST options: exact bucket and key (added by the SDK), exact Content-Type and
 * metadata (fields become `eq` conditions), a size range of [1, max], status 201 and a short expiry.
 */
export function uploadPolicy(input: UploadPolicyInput): PresignedPostOptions {
  const fields: Record<string, string> = {
    'Content-Type': input.contentType,
    success_action_status: '201',
    'x-amz-meta-uploader': input.uploader,
    'x-amz-meta-photo-id': input.photoId,
  };
  if (input.deviceGps) {
    const { lat, lon, accuracy_m } = input.deviceGps;
    fields['x-amz-meta-device-gps'] = [lat, lon, accuracy_m ?? ''].join(',');
  }
  return {
    Bucket: input.bucket,
    Key: input.key,
    Fields: fields,
    Conditions: [['content-length-range', 1, input.maxBytes]],
    Expires: input.expiresSeconds,
  };
}
