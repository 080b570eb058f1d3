import { z } from 'zod';
import { accessDenied, S3Error } from './errors.ts';

/** One form field, as sent (name case kept), in form order. */
export interface FormField {
  name: string;
  value: string;
}

/** The file sizes a policy allows, bounds included. */
export interface SizeRange {
  min: number;
  max: number;
}

type Condition =
  | { kind: 'eq' | 'starts-with'; field: string | undefined; value: string; written: string }
  | { kind: 'content-length-range'; min: number; max: number; written: string };

/** A decoded POST policy. */
export interface PostPolicy {
  expiration: number;
  conditions: Condition[];
}

const policySchema = z
  .object({
    expiration: z.string(),
    conditions: z.array(
      z.union([z.record(z.string(), z.string()), z.array(z.union([z.string(), z.number()]))]),
    ),
  })
  .strict();

/** S3's largest POST upload: the bound when a policy sets none, and the cap on any it sets. */
const MAX_POST_BYTES = 5 * 1024 ** 3;
/** ISO 8601 in UTC as S3 takes it: `2024-01-01T00:00:00Z`, optionally with milliseconds. */
const EXPIRATION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/** Fields no condition need name: "except x-amz-signature, file, policy, and field names that have an x-ignore- prefix". */
const UNCOVERED = new Set(['x-amz-signature', 'file', 'policy']);
const IGNORED_PREFIX = 'x-ignore-';

function invalidPolicy(reason: string): S3Error {
  return new S3Error('InvalidPolicyDocument', `Invalid Policy: ${reason}`, 400);
}

/** A condition as S3 quotes it in errors: JSON items separated by `, `, object form as `eq`. */
function written(items: ReadonlyArray<string | number>): string {
  return `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;
}

function readCondition(raw: Record<string, string> | Array<string | number>): Condition {
  if (!Array.isArray(raw)) {
    const entries = Object.entries(raw);
    const [entry] = entries;
    if (entries.length !== 1 || !entry) {
      throw invalidPolicy(
        'Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.',
      );
    }
    const [name, value] = entry;
    return { kind: 'eq', field: name.toLowerCase(), value, written: written(['eq', `$${name}`, value]) };
  }
  const [operator, first, second] = raw;
  if (typeof operator !== 'string') throw invalidPolicy('Invalid Condition: missing operation identifier.');
  const op = operator.toLowerCase();
  if (raw.length !== 3) throw invalidPolicy(`Invalid ${operator}: wrong number of arguments.`);
  if (op === 'content-length-range') {
    const min = Number(first);
    const max = Number(second);
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < 0) {
      throw invalidPolicy('Invalid JSON.');
    }
    return { kind: 'content-length-range', min, max, written: written(raw) };
  }
  if (op !== 'eq' && op !== 'starts-with')
    throw invalidPolicy(`Invalid Condition: unknown operation '${operator}'.`);
  if (typeof first !== 'string' || typeof second !== 'string') throw invalidPolicy('Invalid JSON.');
  // A name without `$` names no field, so the condition can never hold.
  const field = first.startsWith('$') ? first.slice(1).toLowerCase() : undefined;
  return { kind: op, field, value: second, written: written(raw) };
}

/** Decodes a base64 policy document, refusing what S3 refuses with 400 InvalidPolicyDocument. */
export function parsePolicy(base64: string): PostPolicy {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  const parsed = policySchema.safeParse(document);
  if (!parsed.success) throw invalidPolicy('Invalid JSON.');
  const { expiration, conditions } = parsed.data;
  return { expiration: parseExpiration(expiration), conditions: conditions.map(readCondition) };
}

/** The instant of a policy's `expiration`, which must be ISO 8601 in UTC and a real date and time. */
function parseExpiration(text: string): number {
  const instant = EXPIRATION.test(text) ? Date.parse(text) : Number.NaN;
  // Date.parse takes "2099Z" and rolls 02-30 into March; a real instant formats back to itself.
  const exact = text.includes('.') ? text : text.replace(/Z$/, '.000Z');
  if (Number.isNaN(instant) || new Date(instant).toISOString() !== exact) {
    throw invalidPolicy(`Invalid 'expiration' value: '${text}'`);
  }
  return instant;
}

function lookup(fields: readonly FormField[], name: string): string | undefined {
  return fields.find((field) => field.name.toLowerCase() === name)?.value;
}

function holds(condition: Condition, fields: readonly FormField[], bucket: string): boolean {
  if (condition.kind === 'content-length-range') return true;
  if (condition.field === undefined) return false;
  // `bucket` is checked against the bucket the URL names, whatever the form says.
  const value = condition.field === 'bucket' ? bucket : lookup(fields, condition.field);
  if (value === undefined) return false;
  if (condition.kind === 'eq') return value === condition.value;
  if (condition.field === 'content-type') {
    // "Content-Types values for a starts-with condition that include commas are interpreted as lists."
    return value.split(',').every((item) => item.trim().startsWith(condition.value));
  }
  return value.startsWith(condition.value);
}

/**
 * Checks a form against a policy as S3 does, in S3's order: expiration, then each condition
 * (the first failing one is named), then that a condition covers every field. `fields` must
 * hold the key with `${filename}` already substituted. Returns the allowed file sizes, at most
 * S3's 5 GB POST limit whatever the policy says.
 */
export function checkPolicy(
  policy: PostPolicy,
  fields: readonly FormField[],
  bucket: string,
  now: number,
): SizeRange {
  if (now > policy.expiration) throw accessDenied('Invalid according to Policy: Policy expired.');
  const range: SizeRange = { min: 0, max: MAX_POST_BYTES };
  for (const condition of policy.conditions) {
    if (!holds(condition, fields, bucket)) {
      throw accessDenied(`Invalid according to Policy: Policy Condition failed: ${condition.written}`);
    }
    if (condition.kind === 'content-length-range') {
      range.min = Math.max(range.min, condition.min);
      range.max = Math.min(range.max, condition.max);
    }
  }
  const covered = new Set(
    policy.conditions.flatMap((c) => (c.kind !== 'content-length-range' && c.field ? [c.field] : [])),
  );
  const extra = fields.find((field) => {
    const name = field.name.toLowerCase();
    return !UNCOVERED.has(name) && !name.startsWith(IGNORED_PREFIX) && !covered.has(name);
  });
  if (extra) throw accessDenied(`Invalid according to Policy: Extra input fields: ${extra.name}`);
  return range;
}
