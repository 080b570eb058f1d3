import { createRequire } from 'node:module';
import type { DynamoBackend } from './backend.ts';

const require = createRequire(import.meta.url);

/** An error dynalite answers with (validation, condition, not found): its HTTP status and body. */
type DynaliteError = Error & { statusCode?: number; body?: Record<string, unknown> };
type Callback = (error: DynaliteError | null, data?: Record<string, unknown>) => void;
type TableCallback = (error: DynaliteError | null, table?: { TableStatus?: string }) => void;
type Store = {
  lifecycleManager: { gracefulClose(): Promise<void> };
  getTable(name: string, checkStatus: boolean | TableCallback, cb?: TableCallback): void;
};
type Action = (store: Store, data: Record<string, unknown>, cb: Callback) => void;
type ActionValidation = { types: Record<string, unknown>; custom?: unknown };

// dynalite exports only its HTTP server; its store, validations and actions are plain CommonJS
// modules beside it (the package has no `exports` map), the same ones its request handler uses.
const db = require('dynalite/db') as { create(options: Record<string, unknown>): Store };
const validations = require('dynalite/validations') as {
  checkTypes(data: Record<string, unknown>, types: unknown): Record<string, unknown>;
  checkValidations(data: Record<string, unknown>, types: unknown, custom: unknown, store: Store): void;
};

/** The operations dynalite implements (its `validOperations`); TransactWriteItems is the front server's. */
const OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
const actions = new Map(
  OPERATIONS.map((op) => [
    op as string,
    {
      run: require(`dynalite/actions/${lowerFirst(op)}`) as Action,
      validation: require(`dynalite/validations/${lowerFirst(op)}`) as ActionValidation,
    },
  ]),
);

/**
 * dynalite without its HTTP server: the same store (LevelDB under `path`), type checks,
 * validations and actions its request handler runs, called in-process by the front server. This
 * saves every call a second loopback HTTP hop, a JSON re-serialisation and dynalite's signature
 * presence check (the front server has verified the real signature already). The part of
 * dynalite's handler skipped here is only HTTP: content type, `X-Amz-Target`, auth headers.
 */
export function openDynaliteEngine(options: { path: string; cacheTables?: boolean }): DynamoBackend {
  const store = db.create({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const tables = options.cacheTables === false ? undefined : cacheTables(store);
  return {
    call: async (operation, payload) => {
      const action = actions.get(operation);
      if (!action)
        return { status: 400, body: { __type: 'com.amazon.coral.service#UnknownOperationException' } };
      let data: Record<string, unknown>;
      try {
        data = validations.checkTypes(payload, action.validation.types);
        validations.checkValidations(data, action.validation.types, action.validation.custom, store);
      } catch (error) {
        return answerOf(error as DynaliteError);
      }
      const changes = TABLE_CHANGES.has(operation);
      if (changes) tables?.begin();
      try {
        return await new Promise((resolve, reject) => {
          action.run(store, data, (error, out) => {
            if (!error) resolve({ status: 200, body: out ?? {} });
            else if (error.statusCode) resolve(answerOf(error));
            else reject(error);
          });
        });
      } finally {
        if (changes) tables?.end();
      }
    },
    close: () => store.lifecycleManager.gracefulClose(),
  };
}

/** The calls that change a table's description (status, throughput, indexes, existence). */
const TABLE_CHANGES = new Set(['CreateTable', 'UpdateTable', 'DeleteTable']);

/**
 * Every item call starts with `store.getTable`, a LevelDB read and a JSON decode of the table
 * description. Only CreateTable, UpdateTable and DeleteTable write that description (and their
 * timers, which only move a status to ACTIVE or delete it), so an ACTIVE table is kept in memory
 * and dropped whenever one of those calls starts or ends; a read begun before a drop is not
 * kept, and while one of them runs every read is fresh (they change the copy they read). Item
 * calls only read it, so they share one deep-frozen copy: a `structuredClone` per call cost
 * more than the LevelDB read it saves (bench/RESULTS.md).
 */
function cacheTables(store: Store): { begin(): void; end(): void } {
  const read = store.getTable.bind(store);
  const active = new Map<string, { TableStatus?: string }>();
  let generation = 0;
  let changing = 0;
  store.getTable = (name, checkStatus, cb) => {
    const done = (typeof checkStatus === 'function' ? checkStatus : cb) as TableCallback;
    const hit = changing ? undefined : active.get(name);
    if (hit) return done(null, hit);
    const started = generation;
    // dynalite's two-argument form checks the status (its callback stands in as a truthy flag).
    read(name, typeof checkStatus === 'function' ? true : checkStatus, (error, table) => {
      if (!error && table?.TableStatus === 'ACTIVE' && started === generation && !changing)
        active.set(name, deepFreeze(structuredClone(table)));
      done(error, table);
    });
  };
  const drop = () => {
    generation++;
    active.clear();
  };
  return {
    begin: () => {
      changing++;
      drop();
    },
    end: () => {
      changing--;
      drop();
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function answerOf(error: DynaliteError): { status: number; body: Record<string, unknown> } {
  if (!error.statusCode) throw error;
  return { status: error.statusCode, body: error.body ?? {} };
}
