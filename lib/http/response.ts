import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from './errors.ts';

/** The part of a logger that error mapping needs (Powertools' Logger fits). */
export interface ErrorLogger {
  error(message: string, extra: Record<string, unknown>): void;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** A JSON response with the given status. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return { statusCode: status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/**
 * Maps any error to the API's error shape. Unknown errors are logged and answered as 500
 * `internal` without their message or stack, which may carry internals.
 */
export function errorResponse(
  error: unknown,
  logger: Pick<ErrorLogger, 'error'>,
): APIGatewayProxyStructuredResultV2 {
  if (error instanceof HttpError) {
    return json(error.status, { error: { code: error.code, message: error.message } }, error.headers);
  }
  logger.error('unhandled error', {
    error:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
  });
  return json(500, {
    error: { code: 'internal', message: 'Something went wrong on our side; please try again.' },
  });
}
