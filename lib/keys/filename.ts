/** The longest original filename we keep (in characters). */
export const MAX_FILENAME_LENGTH = 120;

/**
 * Cleans a client's filename for display only: the last path segment, Unicode NFC, no control
 * or bidi-override characters, no markup characters, bounded length. Never used in a key.
 */
export function cleanFilename(raw: string): string {
  const lastSegment = raw.split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment
    .normalize('NFC')
    // C0/C1 controls (NUL included), DEL, and bidi overrides that could disguise an extension.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[<>"'`]/g, '_')
    .replace(/^\.+/, '')
    .trim();
  const chars = [...cleaned];
  const bounded =
    chars.length > MAX_FILENAME_LENGTH ? chars.slice(chars.length - MAX_FILENAME_LENGTH).join('') : cleaned;
  return bounded || 'photo';
}
