import { Agent, type IncomingMessage, request } from 'node:http';
import { readBody } from '../http/read-body.ts';
import type { DynamoBackend } from './backend.ts';

/**
 * A DynamoDB JSON endpoint over HTTP (a dynalite server on loopback) as the front server's
 * backend: how every call ran before dynalite was called in-process (`dynalite-engine.ts`),
 * kept to measure that change against (`bench/dynamo.bench.ts`). dynalite checks only that a
 * signature is present, so a fixed one is sent: the front server has verified the caller's.
 */
export function httpBackend(url: string): DynamoBackend {
  const inner = new URL(url);
  // Kept-alive connections: a fresh TCP connection per call is a measurable cost.
  const agent = new Agent({ keepAlive: true });
  return {
    call: async (operation, payload) => {
      const body = Buffer.from(JSON.stringify(payload));
      const out = await post(inner, agent, operation, body);
      return { status: out.status, body: JSON.parse(out.body.toString('utf8') || '{}') };
    },
    close: async () => agent.destroy(),
  };
}

function post(
  inner: URL,
  agent: Agent,
  operation: string,
  body: Buffer,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: inner.hostname,
        port: inner.port,
        agent,
        method: 'POST',
        path: '/',
        headers: {
          host: inner.host,
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20000101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
          'x-amz-date': '20000101T000000Z',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          'content-type': 'application/x-amz-json-1.0',
          'content-length': String(body.length),
        },
      },
      (res: IncomingMessage) => {
        readBody(res).then((b) => resolve({ status: res.statusCode ?? 500, body: b }), reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
