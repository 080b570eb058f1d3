/** The largest upload, as people say it. */
export function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/**
 * A plain reason for a photo that did not become ready, from its status, the server's reason
 * and (when the API sends one) its reason code: "not a photo", "larger than 10 MB", never a
 * byte count or a stack of jargon.
 */
export function plainReason(
  status: string,
  reason: string | null | undefined,
  code: string | null | undefined = null,
  maxBytes = 10 * 1024 * 1024,
): string {
  const text = reason ?? '';
  const kind = code ?? codeFromText(text);
  switch (kind) {
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
      return text || status;
  }
}

// The contract's `reason` is a sentence; until it carries a code, recognise the sentences the
// pipeline writes (functions/on-upload and lib/image).
function codeFromText(text: string): string | null {
  if (/not a JPEG, PNG, WebP or HEIC/i.test(text)) return 'not_an_image';
  if (/was declared .* but is really/i.test(text)) return 'type_mismatch';
  if (/the limit is \d+ bytes|larger than the upload limit|too large/i.test(text)) return 'too_large';
  if (/\bempty\b/i.test(text)) return 'empty';
  if (/corrupt|truncated/i.test(text)) return 'corrupt';
  if (/more pixels than/i.test(text)) return 'too_many_pixels';
  return null;
}
