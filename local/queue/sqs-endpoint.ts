import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_CREDENTIALS } from '../auth/local-credentials.ts';
import { AwsAuthError, createRequestVerifier, type RequestVerifier } from '../auth/verify-request.ts';
import { QueueDoesNotExistError, ReceiptHandleIsInvalidError, SqsFault } from './errors.ts';
import type { QueueStore } from './queue-store.ts';
import { LOCAL_ACCOUNT_ID } from './sqs-event.ts';

const MAX_REQUEST_BYTES = 256 * 1024;

/** What the local SQS endpoint needs: the queues and the URL it is reached at (for `GetQueueUrl`). */
export interface SqsEndpointOptions {
  store: QueueStore;
  baseUrl: () => string;
  /** The region requests must be signed for (SigV4, service `sqs`). */
  region: string;
  /** Credentials that may sign requests (default: the runtime's local credentials). */
  credentials?: Array<{ accessKeyId: string; secretAccessKey: string }>;
}

/** One verifier per endpoint, built on first use. */
const verifiers = new WeakMap<SqsEndpointOptions, RequestVerifier>();

function verifierFor(o: SqsEndpointOptions): RequestVerifier {
  let verify = verifiers.get(o);
  if (!verify) {
    verify = createRequestVerifier({
      service: 'sqs',
      region: o.region,
      credentials: o.credentials ?? [LOCAL_CREDENTIALS],
    });
    verifiers.set(o, verify);
  }
  return verify;
}

type Input = Record<string, unknown>;

/**
 * Answers the subset of the SQS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.*`) the functions
 * and tools use against the local queues, so the real `@aws-sdk/client-sqs` works unchanged:
 * `ChangeMessageVisibility` (retry backoff), `GetQueueUrl`, `GetQueueAttributes`. Returns false
 * when the request is not an SQS call.
 */
export async function handleSqsRequest(
  options: SqsEndpointOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith('AmazonSQS.')) return false;
  try {
    const body = await readBody(req);
    // Signed like every AWS call: on the API port, anyone could otherwise move messages around.
    await verifierFor(options)(req, body);
    const input = JSON.parse(body.toString('utf8')) as Input;
    send(res, 200, dispatch(options, target.slice('AmazonSQS.'.length), input));
  } catch (error) {
    if (error instanceof AwsAuthError) send(res, error.status, error.body());
    else if (error instanceof SqsFault) send(res, 400, fault(error.type, error.message));
    else if (error instanceof ReceiptHandleIsInvalidError)
      send(res, 400, fault('ReceiptHandleIsInvalid', error.message));
    else if (error instanceof QueueDoesNotExistError)
      send(res, 400, fault('QueueDoesNotExist', error.message));
    else
      send(res, 400, fault('InvalidParameterValue', error instanceof Error ? error.message : String(error)));
  }
  return true;
}

function dispatch(o: SqsEndpointOptions, operation: string, input: Input): unknown {
  switch (operation) {
    case 'ChangeMessageVisibility': {
      const seconds = Number(input.VisibilityTimeout);
      // SQS allows 0 to 12 hours.
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
        throw new SqsFault(
          'InvalidParameterValue',
          `Expected VisibilityTimeout 0..43200 but received ${input.VisibilityTimeout}`,
        );
      }
      o.store.changeVisibility(queueName(o, input), requiredString(input, 'ReceiptHandle'), seconds);
      return {};
    }
    case 'GetQueueUrl': {
      const name = requiredString(input, 'QueueName');
      o.store.definition(name);
      return { QueueUrl: `${o.baseUrl()}/${LOCAL_ACCOUNT_ID}/${name}` };
    }
    case 'GetQueueAttributes': {
      const name = queueName(o, input);
      const c = o.store.counts(name);
      return {
        Attributes: {
          ApproximateNumberOfMessages: String(c.visible),
          ApproximateNumberOfMessagesNotVisible: String(c.inFlight),
          ApproximateNumberOfMessagesDelayed: String(c.delayed),
          VisibilityTimeout: String(o.store.definition(name).visibilityTimeoutSeconds),
        },
      };
    }
    default:
      throw new SqsFault('UnsupportedOperation', `AmazonSQS.${operation} is not supported locally`);
  }
}

function queueName(o: SqsEndpointOptions, input: Input): string {
  const url = requiredString(input, 'QueueUrl');
  const name = url.slice(url.lastIndexOf('/') + 1);
  o.store.definition(name);
  return name;
}

function requiredString(input: Input, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new SqsFault('MissingParameter', `The request must contain the parameter ${name}.`);
  }
  return value;
}

function fault(type: string, message: string) {
  return { __type: `com.amazonaws.sqs#${type}`, message };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new SqsFault('InvalidParameterValue', 'Request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0' };
  const type = (body as { __type?: string }).__type;
  // The SDK reads the query-compatible error code from this header.
  if (type) headers['x-amzn-query-error'] = `${type.slice(type.indexOf('#') + 1)};Sender`;
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}
