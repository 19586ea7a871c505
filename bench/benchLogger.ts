import { createLogger, type Logger } from '../src/ops/logger.js';

/** The pipeline's logger in the benchmark: warnings and errors only (redacted, on stderr), so problems show. */
export function benchLogger(): Logger {
  return createLogger({ level: 'warn', format: 'pretty' });
}
