import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsAuthError, type RequestVerifier } from '../auth/verify-request.ts';
import { readBody } from '../http/read-body.ts';
import { type DynamoBackend, ERROR_PREFIX } from './backend.ts';
import { ItemLocks } from './item-locks.ts';
import { type KeyNamesOf, writeLockKeys } from './lock-keys.ts';
import { planTransaction, transactWrite } from './transact-write.ts';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const TARGET_PREFIX = 'DynamoDB_20120810.';

/** DynamoDB's largest request (BatchWriteItem) is 16 MB. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Test hooks into the write path; none is set outside tests. */
export interface FrontServerHooks {
  /** A write has read which items it touches and now queues for them. */
  queued?(operation: string, lockKeys: readonly string[]): void;
  /** A write holds its items: step 0 as it takes them, a transaction's step i + 1 after its write i. */
  held?(operation: string, lockKeys: readonly string[], step: number): Promise<void> | void;
}

/**
 * The DynamoDB endpoint the functions see: each request's SigV4 signature is checked (`verify`),
 * then the call runs on `backend` (dynalite in-process); TransactWriteItems, which dynalite
 * lacks, is run here. Every write holds the items it touches (`ItemLocks`): writes to different
 * items run at once, a write to an item waits for an earlier transaction or write to it.
 * `lockScope: 'global'` (every write queues behind every other) and `transactWrites:
 * 'sequential'` (a transaction's writes one at a time) are the former behaviour, kept only to
 * measure against in `bench/dynamo.bench.ts`.
 */
export async function startFrontServer(options: {
  host: string;
  backend: DynamoBackend;
  verify?: RequestVerifier;
  lockScope?: 'item' | 'global';
  transactWrites?: 'parallel' | 'sequential';
  hooks?: FrontServerHooks;
}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const { backend, hooks } = options;
  const locks = new ItemLocks();
  const global = options.lockScope === 'global';
  // Key schemas from DescribeTable, read once per table (a table's key schema cannot change).
  const schemas = new Map<string, string[]>();
  const keyNamesOf: KeyNamesOf = async (table) => {
    const known = schemas.get(table);
    if (known) return known;
    const described = await backend.call('DescribeTable', { TableName: table });
    if (described.status !== 200) return undefined;
    const schema =
      (described.body.Table as { KeySchema?: Array<{ AttributeName: string }> })?.KeySchema ?? [];
    const names = schema.map((k) => k.AttributeName);
    schemas.set(table, names);
    return names;
  };
  const holding = async <T>(operation: string, keys: string[], fn: () => Promise<T>): Promise<T> => {
    const held = global ? ['*'] : keys;
    hooks?.queued?.(operation, held);
    return held.length === 0
      ? fn()
      : locks.run(held, async () => {
          await hooks?.held?.(operation, held, 0);
          return fn();
        });
  };

  const handle = async (req: IncomingMessage): Promise<{ status: number; body: Record<string, unknown> }> => {
    const body = await readBody(
      req,
      MAX_BODY_BYTES,
      (max) => new AwsAuthError('RequestEntityTooLarge', `Expected at most ${max} bytes`, 413),
    );
    if (options.verify)
      await options.verify(req, body).catch((error) => {
        if (error instanceof AwsAuthError) throw error;
        throw new AwsAuthError('InternalFailure', 'The request could not be checked.', 500, { cause: error });
      });
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!target.startsWith(TARGET_PREFIX))
      return { status: 400, body: { __type: 'com.amazon.coral.service#UnknownOperationException' } };
    const operation = target.slice(TARGET_PREFIX.length);
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(body.toString('utf8'));
      if (!payload || typeof payload !== 'object') throw new TypeError('Expected a JSON object');
    } catch {
      return { status: 400, body: { __type: 'com.amazon.coral.service#SerializationException' } };
    }
    if (operation === 'TransactWriteItems') {
      const plan = await planTransaction(payload, keyNamesOf);
      if (!('ops' in plan)) return plan;
      return holding(operation, plan.lockKeys, () =>
        transactWrite(backend.call, plan, {
          sequential: options.transactWrites === 'sequential',
          afterWrite: hooks?.held && ((i) => hooks.held?.(operation, plan.lockKeys, i + 1)),
        }),
      );
    }
    if (WRITES.has(operation)) {
      const keys = await writeLockKeys(operation, payload, keyNamesOf);
      return holding(operation, keys, () => backend.call(operation, payload));
    }
    if (operation === 'DeleteTable' || operation === 'CreateTable') schemas.delete(String(payload.TableName));
    return backend.call(operation, payload);
  };

  const server = createServer((req, res) => {
    handle(req).then(
      (out) => answer(res, out.status, out.body),
      (error) =>
        error instanceof AwsAuthError
          ? answer(res, error.status, error.body())
          : answer(res, 500, { __type: `${ERROR_PREFIX}InternalServerError`, message: String(error) }),
    );
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
      }),
  };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-requestid': 'local',
    'content-length': String(bytes.length),
  });
  res.end(bytes);
}
