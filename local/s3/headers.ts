import type { IncomingHttpHeaders } from 'node:http';

/** A header's value as one string (a repeated header joined with ", ", as HTTP allows). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Every header as one string, by lower-case name (as Node delivers names). */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const name of Object.keys(headers)) flat[name] = headerValue(headers, name);
  return flat;
}
