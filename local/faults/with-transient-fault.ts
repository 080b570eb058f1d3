import type { FunctionName } from '../../lib/topology/types.ts';
import type { HttpHandler } from '../http/server.ts';
import { FaultSwitch } from './faults.ts';

/**
 * Wraps a function's HTTP handler by its name: while `<name>:transient` is on, each request throws
 * the stage's retryable error (answered 500, as a crashed Lambda would be), so a stage such as
 * `booking` can be faulted without a change to its code. Names that are not stages pass through.
 */
export function withTransientFault(
  name: FunctionName,
  handler: HttpHandler,
  faults: FaultSwitch,
): HttpHandler {
  if (!FaultSwitch.isStage(name)) return handler;
  return async (event, context) => {
    faults.check(name);
    return handler(event, context);
  };
}
