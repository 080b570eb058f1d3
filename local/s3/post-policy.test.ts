import { describe, expect, it } from 'vitest';
import { S3Error } from './errors.ts';
import { checkPolicy, type FormField, parsePolicy } from './post-policy.ts';

const NOW = Date.parse('2030-01-01T00:00:00Z');

function encode(conditions: unknown[], expiration = '2030-01-01T01:00:00.000Z'): string {
  return Buffer.from(JSON.stringify({ expiration, conditions })).toString('base64');
}

function form(entries: Record<string, string>): FormField[] {
  return Object.entries(entries).map(([name, value]) => ({ name, value }));
}

/** The S3Error `work` throws, as [code, message]. */
function failure(work: () => unknown): [string, string] {
  try {
    work();
  } catch (error) {
    if (error instanceof S3Error) return [error.code, error.message];
    throw error;
  }
  throw new Error('Expected an S3Error but nothing was thrown');
}

describe('parsePolicy', () => {
  it('refuses what is not a policy with 400 InvalidPolicyDocument', () => {
    expect(failure(() => parsePolicy('not base64 json'))).toEqual([
      'InvalidPolicyDocument',
      'Invalid Policy: Invalid JSON.',
    ]);
    expect(failure(() => parsePolicy(encode([{ a: '1', b: '2' }]))).at(0)).toBe('InvalidPolicyDocument');
    expect(failure(() => parsePolicy(encode([['ends-with', '$key', 'x']]))).at(1)).toBe(
      "Invalid Policy: Invalid Condition: unknown operation 'ends-with'.",
    );
    expect(failure(() => parsePolicy(encode([], '2030-01-01 01:00:00'))).at(1)).toBe(
      "Invalid Policy: Invalid 'expiration' value: '2030-01-01 01:00:00'",
    );
  });

  it.each([
    '2099Z',
    '2030-01-01Z',
    '2030-01-01T01:00Z',
    '2030-02-30T00:00:00Z',
    '2030-01-01T24:00:00Z',
    '2030-01-01T01:00:00.5Z',
    '2030-01-01T01:00:00+00:00',
    ' 2030-01-01T01:00:00Z',
  ])('refuses the expiration %j, which is not ISO 8601 UTC or no real instant', (expiration) => {
    expect(failure(() => parsePolicy(encode([], expiration)))).toEqual([
      'InvalidPolicyDocument',
      `Invalid Policy: Invalid 'expiration' value: '${expiration}'`,
    ]);
  });

  it('reads an expiration with or without milliseconds', () => {
    expect(parsePolicy(encode([], '2030-01-01T01:00:00Z')).expiration).toBe(NOW + 3_600_000);
    expect(parsePolicy(encode([], '2030-01-01T01:00:00.250Z')).expiration).toBe(NOW + 3_600_250);
  });
});

describe('checkPolicy', () => {
  const fields = form({
    key: 'photos/j1/p1.jpg',
    'Content-Type': 'image/jpeg',
    'X-Amz-Credential': 'cred',
    'x-amz-meta-note': 'gate',
    Policy: 'p',
    'X-Amz-Signature': 's',
  });
  const covering = [
    { key: 'photos/j1/p1.jpg' },
    ['eq', '$Content-Type', 'image/jpeg'],
    { 'x-amz-credential': 'cred' },
    ['starts-with', '$x-amz-meta-note', ''],
  ];

  it('passes a form every condition holds for and returns the intersected size range', () => {
    const policy = parsePolicy(
      encode([
        ...covering,
        ['content-length-range', 1, 100],
        ['content-length-range', '10', '50'],
        { bucket: 'b' },
      ]),
    );
    expect(checkPolicy(policy, fields, 'b', NOW)).toEqual({ min: 10, max: 50 });
  });

  it("bounds the file at S3's 5 GB POST limit when the policy sets no or a larger range", () => {
    const fiveGiB = 5 * 1024 ** 3;
    expect(checkPolicy(parsePolicy(encode(covering)), fields, 'b', NOW)).toEqual({ min: 0, max: fiveGiB });
    const larger = parsePolicy(encode([...covering, ['content-length-range', 1, fiveGiB * 2]]));
    expect(checkPolicy(larger, fields, 'b', NOW)).toEqual({ min: 1, max: fiveGiB });
  });

  it('names the first failing condition as S3 writes it, object form as eq', () => {
    expect(
      failure(() => checkPolicy(parsePolicy(encode([...covering, { bucket: 'other' }])), fields, 'b', NOW)),
    ).toEqual([
      'AccessDenied',
      'Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "other"]',
    ]);
    const prefix = parsePolicy(encode([['starts-with', '$key', 'thumbs/'], ...covering]));
    expect(failure(() => checkPolicy(prefix, fields, 'b', NOW)).at(1)).toBe(
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "thumbs/"]',
    );
  });

  it('fails a condition on a field the form does not hold, even starts-with ""', () => {
    const policy = parsePolicy(encode([...covering, ['starts-with', '$x-amz-meta-other', '']]));
    expect(failure(() => checkPolicy(policy, fields, 'b', NOW)).at(1)).toContain('$x-amz-meta-other');
  });

  it('matches field names in any case and checks each item of a Content-Type list', () => {
    const policy = parsePolicy(
      encode([...covering.slice(0, 1), ['starts-with', '$content-type', 'image/'], ...covering.slice(2)]),
    );
    expect(() => checkPolicy(policy, fields, 'b', NOW)).not.toThrow();
    const list = form({
      ...Object.fromEntries(fields.map((f) => [f.name, f.value])),
      'Content-Type': 'image/png, text/html',
    });
    expect(failure(() => checkPolicy(policy, list, 'b', NOW)).at(0)).toBe('AccessDenied');
  });

  it('refuses a field no condition covers, except x-amz-signature, file, policy and x-ignore-*', () => {
    const policy = parsePolicy(encode(covering));
    const extra = [...fields, { name: 'x-ignore-trace', value: '1' }, { name: 'Acl', value: 'public-read' }];
    expect(failure(() => checkPolicy(policy, extra, 'b', NOW))).toEqual([
      'AccessDenied',
      'Invalid according to Policy: Extra input fields: Acl',
    ]);
  });

  it('refuses an expired policy before looking at conditions', () => {
    const policy = parsePolicy(encode([{ bucket: 'other' }], '2029-12-31T23:59:59Z'));
    expect(failure(() => checkPolicy(policy, fields, 'b', NOW))).toEqual([
      'AccessDenied',
      'Invalid according to Policy: Policy expired.',
    ]);
  });
});
