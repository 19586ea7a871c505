import { formatDuration } from './formatDuration.js';

/**
 * How long a cascade lasted, as a reader wants it: `350 ms`, `42s`, then the command's own
 * units (`4m`, `3h`). A second-long cascade must not read as a minute.
 */
export function formatSpan(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${Math.round(ms / 1_000)}s`;
  return formatDuration(ms);
}
