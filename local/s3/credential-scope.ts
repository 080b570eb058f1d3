import { S3Error } from './errors.ts';
import type { SigV4Verifier } from './sigv4.ts';

/** What a SigV4 credential (`<AKID>/<YYYYMMDD>/<region>/s3/aws4_request`) names. */
export interface CredentialScope {
  accessKeyId: string;
  /** The scope's day, `YYYYMMDD`: the signing key is derived for it. */
  date: string;
  region: string;
}

/** Builds the error for a malformed credential, worded for where it came from (header, query, form). */
export type MalformedCredential = (message: string, details?: Record<string, string>) => S3Error;

/** Reads a credential and checks it names this endpoint (its region, its service — `s3` — and `aws4_request`). */
export function parseScope(
  credential: string,
  region: string,
  malformed: MalformedCredential,
  expectedService = 's3',
): CredentialScope {
  const parts = credential.split('/');
  const [accessKeyId, date, scopeRegion, service, terminator] = parts;
  if (parts.length !== 5 || !accessKeyId || !date || !scopeRegion || !service || !terminator) {
    throw malformed(
      'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
    );
  }
  if (!/^\d{8}$/.test(date)) {
    throw malformed(
      `incorrect date format "${date}". This date in the credential must be in the format "yyyyMMdd".`,
    );
  }
  if (scopeRegion !== region) {
    throw malformed(`the region '${scopeRegion}' is wrong; expecting '${region}'`, { Region: region });
  }
  if (service !== expectedService) {
    throw malformed(`incorrect service "${service}". This endpoint belongs to "${expectedService}".`);
  }
  if (terminator !== 'aws4_request') {
    throw malformed(`incorrect terminal "${terminator}". This endpoint uses "aws4_request".`);
  }
  return { accessKeyId, date, region: scopeRegion };
}

/** The verifier of an access key, or S3's 403 InvalidAccessKeyId. */
export function verifierFor(
  verifiers: ReadonlyMap<string, SigV4Verifier>,
  accessKeyId: string,
): SigV4Verifier {
  const verifier = verifiers.get(accessKeyId);
  if (!verifier) {
    throw new S3Error(
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      403,
      {
        AWSAccessKeyId: accessKeyId,
      },
    );
  }
  return verifier;
}
