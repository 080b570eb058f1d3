import { loadConfig } from '../../lib/config/config.ts';
import { createGate } from './app.ts';
import { byIssuer, issuerVerifiers } from './verifiers.ts';

/** Lambda entry of the HTTP API's request authorizer (AWS only; locally each function verifies). */
export const handler = createGate(byIssuer(issuerVerifiers(loadConfig(process.env), process.env)));
