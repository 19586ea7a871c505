import { afterAll, vi } from 'vitest';
import type { LogFields, LoggerOptions } from '../../src/ops/logger.js';
import { startOutputTap } from './outputTap.js';

/**
 * Suite-wide secret-leak check (a vitest setup file): every chunk written to stdout, stderr or the
 * console and every line any logger writes (even to a test's capture array) is kept, and after the
 * file's last test the file fails if one holds a known secret (simulator API secret, a received
 * signature, a registered secret) or a Slack/Discord token shape. See test/setup/knownSecrets.ts.
 */

// Every logger in the file gets a writer that also records the (already redacted) line; the logger
// itself is unchanged, so its own tests still test the real thing.
vi.mock('../../src/ops/logger.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/ops/logger.js')>();
  const { recordLogLine } = await import('./outputTap.js');
  return {
    ...real,
    createLogger: (options: LoggerOptions = {}, bound?: LogFields) => {
      const write = options.write;
      if (!write) return real.createLogger(options, bound); // default writer: stdout/stderr, already tapped
      return real.createLogger(
        {
          ...options,
          write: (line, level) => {
            recordLogLine(line);
            write(line, level);
          },
        },
        bound,
      );
    },
  };
});

const detector = startOutputTap();

afterAll(() => {
  detector.assertNoLeaks();
});
