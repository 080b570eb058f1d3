import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { HttpError } from './errors.ts';

const MAX_JSON_BYTES = 64 * 1024;

/** Parses and validates a JSON body; every problem becomes 400 naming the field. */
export function parseJsonBody<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> {
  if (!event.body) throw new HttpError('invalid_request', 'Expected a JSON body but received none.');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) {
    throw new HttpError('invalid_request', `Expected a JSON body of at most ${MAX_JSON_BYTES} bytes.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError('invalid_request', 'Expected a JSON body but received text that is not JSON.');
  }
  return validate(schema, value, 'body');
}

/** Validates query-string parameters against a schema. */
export function parseQuery<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> {
  return validate(schema, event.queryStringParameters ?? {}, 'query');
}

function validate<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : where;
  throw new HttpError('invalid_request', `Invalid ${field}: ${issue?.message ?? 'malformed'}.`);
}

/** A header value, case-insensitive (API Gateway lower-cases them; tests may not). */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
