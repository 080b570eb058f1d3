/** The largest upload, as people say it. */
export function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/**
 * A plain reason for a photo that did not become ready, from its status and the API's
 * `reason_code` (never from the wording of `reason`, which is for people and may change): "not a
 * photo", "larger than 10 MB", never a byte count or a stack of jargon.
 */
export function plainReason(
  status: string,
  reason: string | null | undefined,
  code: string | null | undefined = null,
  maxBytes = 10 * 1024 * 1024,
): string {
  switch (code) {
    case 'not_an_image':
    case 'unsupported_type':
      return 'not a photo';
    case 'type_mismatch':
      return 'not the kind of photo its name says';
    case 'too_large':
      return `larger than ${megabytes(maxBytes)}`;
    case 'empty':
      return 'the file is empty';
    case 'corrupt':
      return 'the photo is damaged or cut off';
    case 'too_many_pixels':
      return 'the photo has too many pixels';
    case 'unsupported':
      return 'this photo format cannot be read';
    case 'upload_expired':
      return 'the upload expired before the photo arrived';
  }
  switch (status) {
    case 'pending':
      return 'waiting for the upload to arrive';
    case 'received':
      return 'checking';
    case 'failed':
      return 'could not be processed — ops can retry it';
    case 'missing':
      return 'the upload disappeared before it was checked';
    case 'abandoned':
      return 'the upload expired before the photo arrived';
    case 'rejected':
      return 'refused';
    default:
      return reason || status;
  }
}
