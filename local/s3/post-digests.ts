import {
  assertChecksum,
  type Checksum,
  type ChecksumAlgorithm,
  checksumAlgorithmOf,
  isChecksumValueHeader,
} from './checksums.ts';
import { notImplemented, S3Error } from './errors.ts';
import type { WrittenBody } from './object-store.ts';
import type { FormField } from './post-policy.ts';

function field(fields: readonly FormField[], name: string): string | undefined {
  return fields.find((f) => f.name.toLowerCase() === name)?.value;
}

/** What the form promises about the file: its Content-MD5 and at most one flexible checksum. */
export interface FileDigests {
  md5: string | undefined;
  checksum: { algorithm: ChecksumAlgorithm; value: string | undefined } | undefined;
}

/**
 * Reads `Content-MD5` and the flexible checksum fields of a POST form, as PutObject takes them
 * as headers: a malformed MD5 is 400 InvalidDigest, two checksums 400, one this endpoint cannot
 * compute 501. `x-amz-checksum-algorithm` alone asks for the checksum to be computed and kept.
 */
export function fileDigests(fields: readonly FormField[]): FileDigests {
  const md5Text = field(fields, 'content-md5');
  let md5: string | undefined;
  if (md5Text !== undefined) {
    const digest = Buffer.from(md5Text, 'base64');
    if (digest.length !== 16 || digest.toString('base64') !== md5Text) {
      throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400);
    }
    md5 = digest.toString('hex');
  }
  const values = fields.filter((f) => isChecksumValueHeader(f.name));
  if (values.length > 1) {
    throw new S3Error(
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
      400,
    );
  }
  const [value] = values;
  const requested = field(fields, 'x-amz-checksum-algorithm')?.toLowerCase();
  const name =
    value?.name.toLowerCase() ?? (requested === undefined ? undefined : `x-amz-checksum-${requested}`);
  if (name === undefined) return { md5, checksum: undefined };
  const algorithm = checksumAlgorithmOf(name);
  if (!algorithm || (requested !== undefined && name !== `x-amz-checksum-${requested}`)) {
    throw notImplemented(`${name} (this endpoint verifies CRC32, SHA1 and SHA256 checksums)`);
  }
  return { md5, checksum: { algorithm, value: value?.value } };
}

/** Checks the stored file against what the form promised; the checksum to keep with the object. */
export function verifyDigests(
  digests: FileDigests,
  body: WrittenBody & { checksum?: string },
): Checksum | undefined {
  if (digests.md5 !== undefined && digests.md5 !== body.md5) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400, {
      ExpectedDigest: Buffer.from(digests.md5, 'hex').toString('base64'),
      CalculatedDigest: Buffer.from(body.md5, 'hex').toString('base64'),
    });
  }
  if (!digests.checksum || body.checksum === undefined) return undefined;
  const { algorithm, value } = digests.checksum;
  // Without a value S3 computes the checksum the form asked for and keeps it.
  if (value !== undefined) assertChecksum({ algorithm, value }, body.checksum);
  return { algorithm, value: body.checksum };
}
