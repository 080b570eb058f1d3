import { loadConfig } from '../../lib/config/config.ts';
import { createPresignHandler } from './app.ts';

/** Lambda entry: configuration is read once per container, at init. */
export const handler = createPresignHandler(loadConfig(process.env));
