import { loadConfig } from '../../lib/config/config.ts';
import { createBookingApp } from './app.ts';

const app = createBookingApp(loadConfig(process.env));

/** Lambda entry for the booking routes (API Gateway HTTP API, payload 2.0). */
export const handler = app.http;

/** Lambda entry for the `expire-quotes` schedule (EventBridge scheduled event). */
export const expireQuotesHandler = app.expireQuotes;
