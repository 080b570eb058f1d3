import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_CREDENTIALS } from '../auth/local-credentials.ts';
import { AwsAuthError, createRequestVerifier, type RequestVerifier } from '../auth/verify-request.ts';
import { type LocalEventBus, ValidationError } from './event-bus.ts';

const MAX_REQUEST_BYTES = 1024 * 1024;

/** One verifier per bus (its region), built on first use. */
const verifiers = new WeakMap<LocalEventBus, RequestVerifier>();

function verifierFor(bus: LocalEventBus): RequestVerifier {
  let verify = verifiers.get(bus);
  if (!verify) {
    verify = createRequestVerifier({
      service: 'events',
      region: bus.region,
      credentials: [LOCAL_CREDENTIALS],
    });
    verifiers.set(bus, verify);
  }
  return verify;
}

/**
 * Answers the EventBridge JSON 1.1 protocol (`X-Amz-Target: AWSEvents.PutEvents`) so the real
 * `@aws-sdk/client-eventbridge` works against the local bus. Returns false when the request is
 * not an EventBridge call.
 */
export async function handleEventsRequest(
  bus: LocalEventBus,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith('AWSEvents.')) return false;
  if (target !== 'AWSEvents.PutEvents') {
    send(res, 400, { __type: 'UnknownOperationException', message: `${target} is not supported locally` });
    return true;
  }
  try {
    const body = await readBody(req);
    // Signed like every AWS call: on the API port, anyone could otherwise put events on the bus.
    await verifierFor(bus)(req, body);
    const input = JSON.parse(body.toString('utf8')) as { Entries?: unknown };
    send(res, 200, bus.putEvents(input.Entries as never));
  } catch (error) {
    if (error instanceof AwsAuthError) {
      send(res, error.status, error.body());
      return true;
    }
    const message = error instanceof Error ? error.message : String(error);
    const type = error instanceof ValidationError ? 'ValidationException' : 'SerializationException';
    send(res, 400, { __type: type, message });
  }
  return true;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new ValidationError('Request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}
