import { InvalidCursorError } from './errors.ts';

/** The walks of a reconcile, in order: originals, expired grants, then records by status. */
export const PHASES = ['objects', 'expired', 'received', 'ready', 'failed'] as const;

/** One walk of a reconcile. */
export type Phase = (typeof PHASES)[number];

/** Where a reconcile stopped: the walk, and that walk's continuation (S3 token or DynamoDB key). */
export interface ReconcileCursor {
  phase: Phase;
  token: string | Record<string, unknown> | null;
}

/** Encodes a cursor as an opaque URL-safe string. */
export function encodeCursor(cursor: ReconcileCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, ...cursor })).toString('base64url');
}

/** Decodes a cursor from {@link encodeCursor}; throws {@link InvalidCursorError} for anything else. */
export function decodeCursor(text: string): ReconcileCursor {
  let value: { v?: unknown; phase?: unknown; token?: unknown };
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('received text that does not decode');
  }
  if (value?.v !== 1 || !PHASES.includes(value.phase as Phase)) {
    throw new InvalidCursorError(`received phase ${JSON.stringify(value?.phase)}`);
  }
  const token = value.token;
  if (token !== null && typeof token !== 'string' && (typeof token !== 'object' || Array.isArray(token))) {
    throw new InvalidCursorError('its token is malformed');
  }
  return { phase: value.phase as Phase, token: token as ReconcileCursor['token'] };
}
