import { redact } from './redact.js';

/** Severity, in increasing order. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** Structured context attached to a log line. */
export type LogFields = Record<string, unknown>;

/** The logging port: every module takes one, tests pass a capturing logger. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where formatted lines go; swapped in tests to capture output. */
export type LogWriter = (line: string, level: LogLevel) => void;

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Lowest level printed; default `info`. */
  level?: LogLevel;
  /** `json` (one object a line, the default when stdout is not a terminal) or `pretty`. */
  format?: 'json' | 'pretty';
  /** Defaults to stdout for debug/info and stderr for warn/error. */
  write?: LogWriter;
  /** Injected for tests; defaults to `Date.now`. */
  now?: () => number;
}

/** How deep a cause chain is followed: a cycle (`a.cause = a`) must not loop. */
const MAX_CAUSES = 4;

/**
 * Errors become plain objects (they serialise to `{}` otherwise), with their stack and cause chain: a
 * crash logged without its stack cannot be traced to a line. The whole line is redacted afterwards.
 */
function serialise(value: unknown, withStack = true, depth = 0): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message };
    if (withStack && value.stack !== undefined) out.stack = value.stack;
    for (const [k, v] of Object.entries(value)) if (k !== 'cause') out[k] = v;
    if (value.cause !== undefined && depth < MAX_CAUSES) out.cause = serialise(value.cause, withStack, depth + 1);
    return out;
  }
  return value;
}

/** The keys every line sets itself: a field of the same name is kept under `field_<name>` instead. */
const LINE_KEYS = new Set(['time', 'level', 'msg']);

/** `fields` with any of the line's own keys renamed, so a caller's `msg` cannot replace the line's. */
function withoutLineKeys(fields: LogFields): LogFields {
  if (!Object.keys(fields).some((k) => LINE_KEYS.has(k))) return fields;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [LINE_KEYS.has(k) ? `field_${k}` : k, v]));
}

/** A field's value inline in a pretty line; an error's stack goes on the lines below instead. */
function prettyValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(serialise(value, false), (_k, v) => serialise(v, false));
}

/** The stacks of the errors among `fields` (and their causes), indented under the line. */
function prettyStacks(fields: LogFields): string {
  const stacks: string[] = [];
  for (const value of Object.values(fields)) {
    let error: unknown = value;
    for (let depth = 0; error instanceof Error && depth <= MAX_CAUSES; depth += 1) {
      if (error.stack) stacks.push(`${depth === 0 ? '' : 'caused by: '}${error.stack}`);
      error = error.cause;
    }
  }
  return stacks.map((stack) => `\n${stack.replace(/^/gm, '    ')}`).join('');
}

function formatPretty(time: number, level: LogLevel, msg: string, fields: LogFields): string {
  const extras = Object.entries(fields)
    .map(([k, v]) => `${k}=${prettyValue(v)}`)
    .join(' ');
  const head = `${new Date(time).toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${extras ? ` ${extras}` : ''}`;
  return head + prettyStacks(fields);
}

const defaultWrite: LogWriter = (line, level) => {
  (ORDER[level] >= ORDER.warn ? process.stderr : process.stdout).write(`${line}\n`);
};

/** Creates a structured logger whose every line passes through `redact()`. */
export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const format = options.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const write = options.write ?? defaultWrite;
  const now = options.now ?? Date.now;
  const log = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    if (ORDER[level] < min) return;
    const all = withoutLineKeys({ ...bound, ...fields });
    const time = now();
    const line =
      format === 'json'
        ? JSON.stringify({ time: new Date(time).toISOString(), level, msg, ...all }, (_k, v) => serialise(v))
        : formatPretty(time, level, msg, all);
    write(redact(line), level);
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** A logger that prints nothing. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
