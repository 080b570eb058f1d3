/** Bytes S3 leaves as they are when it form-encodes a key: Java's URLEncoder set, plus `/`. */
const FORM_SAFE = /^[A-Za-z0-9.\-_*/]$/;
/** Unreserved characters of RFC 3986, plus `/` between path segments. */
const PATH_SAFE = /^[A-Za-z0-9.\-_~/]$/;

function percentEncode(text: string, safe: RegExp, space: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (byte < 0x80 && safe.test(char)) out += char;
    else if (byte === 0x20) out += space;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A key as S3 writes it in event notifications (and `encoding-type=url` listings):
 * `application/x-www-form-urlencoded` with `/` kept — `a b+c/é.jpg` → `a+b%2Bc/%C3%A9.jpg`.
 * Consumers decode it with `decodeURIComponent(key.replace(/\+/g, ' '))`.
 */
export function formEncodeKey(key: string): string {
  return percentEncode(key, FORM_SAFE, '+');
}

/** A key as a URL path (RFC 3986, `/` kept, space as `%20`), for `Location` URLs. */
export function encodeKeyPath(key: string): string {
  return percentEncode(key, PATH_SAFE, '%20');
}
