/** One DynamoDB JSON call: operation name (`GetItem`) and payload → status and parsed answer. */
export type DynamoCall = (
  operation: string,
  payload: Record<string, unknown>,
) => Promise<{ status: number; body: Record<string, unknown> }>;

/** What the front server runs calls on (dynalite in-process, or a DynamoDB endpoint over HTTP). */
export interface DynamoBackend {
  call: DynamoCall;
  close(): Promise<void>;
}

/** DynamoDB's prefix of a `__type` for its own errors (the service's, not the protocol's). */
export const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';
