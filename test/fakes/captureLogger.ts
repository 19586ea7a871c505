import { createLogger, type Logger } from '../../src/ops/logger.js';

/** A real logger (with redaction) whose lines are kept for assertions instead of printed. */
export function captureLogger(level: 'debug' | 'info' = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level, format: 'json', write: (line) => lines.push(line) });
  return { logger, lines };
}
