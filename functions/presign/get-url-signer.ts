import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl, S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { HttpRequest } from '@smithy/protocol-http';

/** Presigns GETs of one bucket's objects. */
export type GetUrlSigner = (key: string, expiresIn: number) => Promise<string>;

const PROBE_KEY = 'presign-probe';

/**
 * A presigner built once per client and bucket and reused for every URL. `getSignedUrl` resolves
 * the endpoint, clones the middleware stack and builds a new presigner on every call (781 µs a
 * URL, 200 per page of 100 photos, measured in issue 14; a reused presigner: 51 µs). The endpoint
 * (host and path style) is learnt once from one `getSignedUrl`; every key after that is signed by
 * the same SigV4 presigner with the same options, so the URLs are the SDK's own. Cached per
 * client and bucket: call it per request, it builds once.
 */
export function getUrlSigner(s3: S3Client, bucket: string): GetUrlSigner {
  const byBucket = signers.get(s3) ?? new Map<string, GetUrlSigner>();
  signers.set(s3, byBucket);
  const known = byBucket.get(bucket);
  if (known) return known;
  const signer = buildSigner(s3, bucket);
  byBucket.set(bucket, signer);
  return signer;
}

const signers = new WeakMap<S3Client, Map<string, GetUrlSigner>>();

function buildSigner(s3: S3Client, bucket: string): GetUrlSigner {
  let prepared:
    | Promise<{
        presigner: S3RequestPresigner;
        base: URL;
        prefix: string;
        region: string;
        extra: Record<string, string>;
      }>
    | undefined;
  const prepare = async () => {
    const probe = new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: PROBE_KEY })));
    const prefix = probe.pathname.slice(0, probe.pathname.length - PROBE_KEY.length);
    if (!probe.pathname.endsWith(PROBE_KEY))
      throw new Error(`Expected a presigned path ending in the key: ${probe}`);
    const region = await s3.config.region();
    const presigner = new S3RequestPresigner({ ...s3.config, signingName: 's3', region: async () => region });
    // What the SDK signs besides the signature itself (x-amz-checksum-mode), kept; x-id is unsigned.
    const extra: Record<string, string> = {};
    for (const [name, value] of probe.searchParams) {
      if (!name.startsWith('X-Amz-') && name !== 'x-id') extra[name] = value;
    }
    return { presigner, base: probe, prefix, region, extra };
  };
  return async (key, expiresIn) => {
    prepared ??= prepare().catch((error) => {
      prepared = undefined;
      throw error;
    });
    const { presigner, base, prefix, region, extra } = await prepared;
    const path = prefix + key.split('/').map(encodeSegment).join('/');
    const request = new HttpRequest({
      method: 'GET',
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path,
      headers: { host: base.host },
      query: { ...extra },
    });
    const signed = await presigner.presign(request, {
      expiresIn,
      signingRegion: region,
      signingService: 's3',
    });
    const query = Object.entries(signed.query ?? {})
      .flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map(
          (v) => `${encodeSegment(name)}=${encodeSegment(String(v))}`,
        ),
      )
      .join('&');
    return `${base.protocol}//${base.host}${path}?${query}`;
  };
}

/** S3's URI encoding of one path segment (RFC 3986 unreserved characters stay). */
function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
