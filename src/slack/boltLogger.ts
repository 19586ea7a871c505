import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../ops/logger.js';

const SEVERITY: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 10,
  [LogLevel.INFO]: 20,
  [LogLevel.WARN]: 30,
  [LogLevel.ERROR]: 40,
};

/**
 * Bolt's logger interface over ours, so every line Bolt, the WebClient and the Socket Mode client
 * print goes through our redaction (they log request bodies and payloads at debug).
 * Docs: https://docs.slack.dev/tools/bolt-js/concepts/logging
 */
export function toBoltLogger(logger: Logger, initialLevel: LogLevel = LogLevel.INFO): BoltLogger {
  let level = initialLevel;
  let name = 'bolt';
  const write =
    (severity: LogLevel, method: keyof Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>) =>
    (...msg: unknown[]) => {
      if (SEVERITY[severity] < SEVERITY[level]) return;
      const text = msg.map((m) => (m instanceof Error ? `${m.name}: ${m.message}` : typeof m === 'string' ? m : safeJson(m))).join(' ');
      logger[method](text, { component: name });
    };
  return {
    debug: write(LogLevel.DEBUG, 'debug'),
    info: write(LogLevel.INFO, 'info'),
    warn: write(LogLevel.WARN, 'warn'),
    error: write(LogLevel.ERROR, 'error'),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next) => {
      name = next;
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
