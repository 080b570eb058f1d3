import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DynamoCall, transactWrite } from './transact-write.ts';
import { WriteLock } from './write-lock.ts';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/**
 * The DynamoDB endpoint the functions see: requests pass through to dynalite, writes one at a
 * time, and TransactWriteItems (which dynalite lacks) is run here under the same write lock.
 */
export async function startFrontServer(options: {
  host: string;
  innerUrl: string;
}): Promise<{ server: Server; url: string }> {
  const inner = new URL(options.innerUrl);
  const lock = new WriteLock();
  const schemas = new Map<string, string[]>();
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
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
        out = await lock.run(() => forward(inner, req.headers, body));
      } else {
        out = await forward(inner, req.headers, body);
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
  return { server, url: `http://${options.host}:${port}` };
}

function forward(
  inner: URL,
  headers: IncomingMessage['headers'] | Record<string, string>,
  body: Buffer,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: inner.hostname,
        port: inner.port,
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

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
