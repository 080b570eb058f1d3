import { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../config/config.ts';

/** A structured JSON logger (Powertools) for one service, at the configured level. */
export function createLogger(serviceName: string, config: Pick<Config, 'logLevel'>): Logger {
  return new Logger({ serviceName, logLevel: config.logLevel.toUpperCase() as 'INFO' });
}
