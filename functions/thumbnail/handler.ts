import { loadConfig } from '../../lib/config/config.ts';
import { createThumbnailHandler } from './app.ts';

/** Lambda entry for the thumbnails queue. */
export const handler = createThumbnailHandler(loadConfig(process.env));
