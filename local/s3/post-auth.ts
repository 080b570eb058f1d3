import { parseScope, verifierFor } from './credential-scope.ts';
import { accessDenied, invalidArgument, S3Error, signatureDoesNotMatch } from './errors.ts';
import { type FormField, type PostPolicy, parsePolicy } from './post-policy.ts';
import { parseAmzDate, type SigV4Verifier } from './sigv4.ts';

/** Who signed a POST form's policy, and the policy itself, decoded. */
export interface PostAuthorization {
  accessKeyId: string;
  policy: PostPolicy;
}

/** The fields a signed form must hold, in the order S3 names the first one missing. */
const SIGNING_FIELDS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Signature',
  'Policy',
] as const;

function field(fields: readonly FormField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === lower)?.value;
}

/** S3's answer to a field that is missing — or sent after the file, where S3 never reads it. */
export function missingField(name: string): S3Error {
  return invalidArgument(
    `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    name,
  );
}

/**
 * Authenticates a browser POST form as S3 does: the `key` and the SigV4 fields must be there,
 * the credential must name this endpoint and a known key, and `X-Amz-Signature` must be the
 * HMAC of the base64 policy, as sent, under the credential day's signing key. Only then is the
 * policy decoded. A form without signature fields is anonymous, and every bucket here is private.
 */
export async function authorizePost(
  fields: readonly FormField[],
  region: string,
  verifiers: ReadonlyMap<string, SigV4Verifier>,
): Promise<PostAuthorization> {
  if (field(fields, 'key') === undefined) throw missingField('key');
  const values = SIGNING_FIELDS.map((name) => field(fields, name));
  if (values.slice(0, 4).every((value) => value === undefined)) throw accessDenied();
  const missing = SIGNING_FIELDS.find((_, i) => values[i] === undefined);
  if (missing) throw missingField(missing);
  const [algorithm = '', credential = '', date = '', signature = '', policy = ''] = values;
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw invalidArgument('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"', 'X-Amz-Algorithm', algorithm);
  }
  if (parseAmzDate(date) === undefined) {
    throw invalidArgument('X-Amz-Date must be formated via ISO8601 Long format', 'X-Amz-Date', date);
  }
  const scope = parseScope(
    credential,
    region,
    (message, details) =>
      new S3Error('InvalidArgument', message, 400, {
        ArgumentName: 'X-Amz-Credential',
        ArgumentValue: credential,
        ...details,
      }),
  );
  const verifier = verifierFor(verifiers, scope.accessKeyId);
  if (!(await verifier.verifyPolicy(policy, scope.date, signature))) {
    throw signatureDoesNotMatch(scope.accessKeyId, signature, policy);
  }
  return { accessKeyId: scope.accessKeyId, policy: parsePolicy(policy) };
}
