import { format } from 'node:util';
import { type OutputChannel, SecretLeakDetector } from './SecretLeakDetector.js';

/** Where tapped output goes now, and whether it still reaches the real stream. */
interface TapState {
  detector: SecretLeakDetector;
  /** True inside `withScopedOutput`: output is recorded but not printed. */
  silent: boolean;
}

// One tap per process, kept on globalThis: a worker that runs several test files must not wrap
// stdout twice, yet each file gets its own detector.
const KEY = Symbol.for('forcewatch.test.outputTap');
type Tapped = typeof globalThis & { [KEY]?: TapState };

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

function state(): TapState {
  const g = globalThis as Tapped;
  if (!g[KEY]) {
    const created: TapState = { detector: new SecretLeakDetector(), silent: false };
    g[KEY] = created;
    wrapStream(process.stdout, 'stdout', created);
    wrapStream(process.stderr, 'stderr', created);
    for (const method of CONSOLE_METHODS) {
      const original = console[method].bind(console);
      console[method] = (...args: unknown[]) => {
        created.detector.record('console', format(...args));
        if (!created.silent) original(...args);
      };
    }
  }
  return g[KEY];
}

function wrapStream(stream: NodeJS.WriteStream, channel: OutputChannel, tap: TapState): void {
  const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    tap.detector.record(channel, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    if (!tap.silent) return original(chunk, ...rest);
    // Still honour the callback contract of write(chunk, [encoding], [cb]).
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof stream.write;
}

/**
 * Wraps stdout, stderr and console (once per process) and starts a fresh detector for the current
 * test file; returns it.
 */
export function startOutputTap(): SecretLeakDetector {
  const tap = state();
  tap.detector = new SecretLeakDetector();
  tap.silent = false;
  return tap.detector;
}

/** Records one log line (the logger's writer calls this, whatever it writes to). */
export function recordLogLine(line: string): void {
  state().detector.record('log', line);
}

/**
 * Runs `fn` with output recorded into a detector of its own and not printed, so a test can print a
 * secret on purpose, check that the detector catches it, and leave the file's own check clean.
 */
export async function withScopedOutput(fn: () => void | Promise<void>): Promise<SecretLeakDetector> {
  const tap = state();
  const outer = { detector: tap.detector, silent: tap.silent };
  const scoped = new SecretLeakDetector();
  tap.detector = scoped;
  tap.silent = true;
  try {
    await fn();
  } finally {
    tap.detector = outer.detector;
    tap.silent = outer.silent;
  }
  return scoped;
}
