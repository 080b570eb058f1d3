import { createRequire } from 'node:module';
import type { DynamoBackend } from './backend.ts';

const require = createRequire(import.meta.url);

/** An error dynalite answers with (validation, condition, not found): its HTTP status and body. */
type DynaliteError = Error & { statusCode?: number; body?: Record<string, unknown> };
type Callback = (error: DynaliteError | null, data?: Record<string, unknown>) => void;
type Store = { lifecycleManager: { gracefulClose(): Promise<void> } };
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
export function openDynaliteEngine(options: { path: string }): DynamoBackend {
  const store = db.create({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  return {
    call: (operation, payload) => {
      const action = actions.get(operation);
      if (!action)
        return Promise.resolve({
          status: 400,
          body: { __type: 'com.amazon.coral.service#UnknownOperationException' },
        });
      let data: Record<string, unknown>;
      try {
        data = validations.checkTypes(payload, action.validation.types);
        validations.checkValidations(data, action.validation.types, action.validation.custom, store);
      } catch (error) {
        return Promise.resolve(answerOf(error as DynaliteError));
      }
      return new Promise((resolve, reject) => {
        action.run(store, data, (error, out) => {
          if (!error) resolve({ status: 200, body: out ?? {} });
          else if (error.statusCode) resolve(answerOf(error));
          else reject(error);
        });
      });
    },
    close: () => store.lifecycleManager.gracefulClose(),
  };
}

function answerOf(error: DynaliteError): { status: number; body: Record<string, unknown> } {
  if (!error.statusCode) throw error;
  return { status: error.statusCode, body: error.body ?? {} };
}
