import type { FormField } from './post-policy.ts';

function field(fields: readonly FormField[], name: string): string | undefined {
  return fields.find((f) => f.name.toLowerCase() === name)?.value;
}

/** `success_action_redirect` (or the older `redirect`) with S3's bucket, key and etag added to its query. */
export function redirectTarget(
  fields: readonly FormField[],
  bucket: string,
  key: string,
  etag: string,
): string | undefined {
  const text = field(fields, 'success_action_redirect') ?? field(fields, 'redirect');
  if (text === undefined || text === '') return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // S3 answers as if there were no redirect when the URL is not one.
    return undefined;
  }
  url.searchParams.append('bucket', bucket);
  url.searchParams.append('key', key);
  url.searchParams.append('etag', `"${etag}"`);
  return url.toString();
}
