import { Agent, createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsAuthError, type RequestVerifier } from '../auth/verify-request.ts';
import { type DynamoCall, transactWrite } from './transact-write.ts';
import { WriteLock } from './write-lock.ts';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/** DynamoDB's largest request (BatchWriteItem) is 16 MB. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The DynamoDB endpoint the functions see: each request's SigV4 signature is checked (`verify`,
 * dynalite only checks that one is there), then it passes through to dynalite, writes one at a
 * time, and TransactWriteItems (which dynalite lacks) is run here under the same write lock.
 * One server for both jobs: a separate verifying proxy in front cost every DynamoDB call one more
 * loopback hop (bench/RESULTS.md).
 */
export async function startFrontServer(options: {
  host: string;
  innerUrl: string;
  verify?: RequestVerifier;
}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const inner = new URL(options.innerUrl);
  const lock = new WriteLock();
  const schemas = new Map<string, string[]>();
  // Kept-alive connections to dynalite: a fresh TCP connection per call is a measurable cost.
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req, MAX_BODY_BYTES);
      if (options.verify) {
        try {
          await options.verify(req, body);
        } catch (error) {
          const refused =
            error instanceof AwsAuthError
              ? { status: error.status, body: error.body() }
              : {
                  status: 500,
                  body: { __type: 'InternalFailure', message: 'The request could not be checked.' },
                };
          res.writeHead(refused.status, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify(refused.body));
          return;
        }
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.split('.')[1] ?? '';
      // dynalite checks that a request is signed, not the signature: reuse the caller's headers.
      const signed = {
        authorization: String(req.headers.authorization ?? ''),
        'x-amz-date': String(req.headers['x-amz-date'] ?? ''),
      };
      const call: DynamoCall = async (op, payload) => {
        const out = await forward(
          inner,
          agent,
          { ...signed, 'x-amz-target': `DynamoDB_20120810.${op}` },
          Buffer.from(JSON.stringify(payload)),
        );
        return { status: out.status, body: JSON.parse(out.body.toString('utf8') || '{}') };
      };
      let out: { status: number; headers?: Record<string, string | string[] | undefined>; body: Buffer };
      if (operation === 'TransactWriteItems') {
        const result = await lock.run(() =>
          transactWrite(call, JSON.parse(body.toString('utf8')), async (table, item) => {
            let names = schemas.get(table);
            if (!names) {
              const described = await call('DescribeTable', { TableName: table });
              const schema =
                (described.body.Table as { KeySchema?: Array<{ AttributeName: string }> })?.KeySchema ?? [];
              names = schema.map((k) => k.AttributeName);
              schemas.set(table, names);
            }
            return Object.fromEntries(names.map((n) => [n, item[n]]));
          }),
        );
        out = { status: result.status, body: Buffer.from(JSON.stringify(result.body)) };
      } else if (WRITES.has(operation)) {
        out = await lock.run(() => forward(inner, agent, req.headers, body));
      } else {
        out = await forward(inner, agent, req.headers, body);
      }
      // Forwarded answers keep dynalite's headers (x-amz-crc32 included); ours are built here.
      const { connection: _c, 'transfer-encoding': _t, ...passed } = out.headers ?? {};
      res.writeHead(out.status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': 'local',
        ...passed,
        'content-length': String(out.body.length),
      });
      res.end(out.body);
    })().catch((error) => {
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
          message: String(error),
        }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

function forward(
  inner: URL,
  agent: Agent,
  headers: IncomingMessage['headers'] | Record<string, string>,
  body: Buffer,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: inner.hostname,
        port: inner.port,
        agent,
        method: 'POST',
        path: '/',
        headers: {
          ...headers,
          host: inner.host,
          'content-type': 'application/x-amz-json-1.0',
          'content-length': String(body.length),
        },
      },
      (res) => {
        readBody(res).then(
          (b) => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: b }),
          reject,
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function readBody(stream: IncomingMessage, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        stream.destroy();
        reject(new AwsAuthError('RequestEntityTooLarge', `Expected at most ${maxBytes} bytes`, 413));
        return;
      }
      chunks.push(c);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
