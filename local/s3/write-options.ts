import { accessDenied, invalidArgument, notImplemented, S3Error } from './errors.ts';

/** Storage classes S3 knows; only STANDARD is kept here, the others are features this endpoint lacks. */
const STORAGE_CLASSES = new Set([
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
]);

/** Canned ACLs that grant nothing beyond the bucket owner, the only account here. */
const OWNER_ONLY_ACLS = new Set(['private', 'bucket-owner-read', 'bucket-owner-full-control']);
/** Canned ACLs that would make the object public: the buckets here block public access. */
const PUBLIC_ACLS = new Set(['public-read', 'public-read-write', 'authenticated-read']);
const OTHER_ACLS = new Set(['aws-exec-read', 'log-delivery-write']);

/** Write options this endpoint cannot honour whatever their value: storing without them would lie. */
const UNSUPPORTED = [
  'x-amz-tagging',
  'x-amz-website-redirect-location',
  'x-amz-object-lock-mode',
  'x-amz-object-lock-retain-until-date',
  'x-amz-object-lock-legal-hold',
  'x-amz-write-offset-bytes',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-context',
  'x-amz-server-side-encryption-bucket-key-enabled',
];
const UNSUPPORTED_PREFIXES = [
  'x-amz-grant-',
  'x-amz-server-side-encryption-customer-',
  'x-amz-copy-source-server-side-encryption-customer-',
];

/**
 * Refuses the options of a write (PUT, POST form, copy) that this endpoint would otherwise drop:
 * encryption it cannot do (SSE-C, KMS, unknown methods), storage classes and canned ACLs other
 * than the plain ones, tags, grants, object lock, website redirects. `get` reads a header (or
 * the form field standing for it) by lower-case name; `names` lists every name present.
 * S3's own 4xx where it has one (a bad value), 501 NotImplemented for a real feature not served.
 */
export function assertHonourableWrite(
  get: (name: string) => string | undefined,
  names: Iterable<string>,
): void {
  for (const name of names) {
    if (UNSUPPORTED.includes(name) || UNSUPPORTED_PREFIXES.some((prefix) => name.startsWith(prefix))) {
      throw notImplemented(name);
    }
  }
  const encryption = get('x-amz-server-side-encryption');
  // Every S3 object is encrypted at rest with S3-managed keys; asking for that changes nothing.
  if (encryption !== undefined && encryption !== 'AES256') {
    if (encryption === 'aws:kms' || encryption === 'aws:kms:dsse') {
      throw notImplemented(`x-amz-server-side-encryption: ${encryption}`);
    }
    throw invalidArgument(
      'The encryption method specified is not supported',
      'x-amz-server-side-encryption',
      encryption,
    );
  }
  const storageClass = get('x-amz-storage-class');
  if (storageClass !== undefined && storageClass !== 'STANDARD') {
    if (!STORAGE_CLASSES.has(storageClass)) {
      throw new S3Error('InvalidStorageClass', 'The storage class you specified is not valid', 400, {
        StorageClassRequested: storageClass,
      });
    }
    throw notImplemented(`x-amz-storage-class: ${storageClass}`);
  }
  const acl = get('x-amz-acl');
  if (acl !== undefined && !OWNER_ONLY_ACLS.has(acl)) {
    if (PUBLIC_ACLS.has(acl)) throw accessDenied();
    if (OTHER_ACLS.has(acl)) throw notImplemented(`x-amz-acl: ${acl}`);
    throw invalidArgument('', 'x-amz-acl', acl);
  }
}

/**
 * Refuses options of a read or delete this endpoint would otherwise ignore: SSE-C keys on a
 * GET or HEAD (nothing here is stored with one: S3's 400), an encryption header on a read, and
 * the MFA and object-lock bypass of DeleteObject (501).
 */
export function assertHonourableReadOrDelete(method: string, names: Iterable<string>): void {
  for (const name of names) {
    if (method === 'DELETE') {
      if (name === 'x-amz-mfa' || name === 'x-amz-bypass-governance-retention') throw notImplemented(name);
      continue;
    }
    if (name.startsWith('x-amz-server-side-encryption-customer-')) {
      throw new S3Error(
        'InvalidRequest',
        'The encryption parameters are not applicable to this object.',
        400,
      );
    }
    if (name === 'x-amz-server-side-encryption') {
      throw invalidArgument(
        'x-amz-server-side-encryption header is not supported for this operation.',
        'x-amz-server-side-encryption',
      );
    }
  }
}
