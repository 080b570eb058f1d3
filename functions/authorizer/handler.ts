import { createCallerAuthenticator } from '../../lib/auth/caller-authenticator.ts';
import { loadConfig } from '../../lib/config/config.ts';
import { createGate } from './app.ts';

/**
 * Lambda entry of the HTTP API's request authorizer (AWS only; locally each function verifies):
 * the same staff + customer authenticator every function uses.
 */
export const handler = createGate(createCallerAuthenticator(loadConfig(process.env)));
