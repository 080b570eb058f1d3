import { loadConfig } from '../../lib/config/config.ts';
import { createOnUploadHandler } from './app.ts';

/** Lambda entry for the uploads queue. */
export const handler = createOnUploadHandler(loadConfig(process.env));
