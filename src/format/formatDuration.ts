import { DAY_MS as DAY, HOUR_MS as HOUR, MINUTE_MS as MINUTE } from '../time.js';

/**
 * A duration as the command writes it: whole days from 48 hours up (`7d`), else whole hours
 * (`24h`), else minutes (`30m`); anything finer is rounded up to the minute. Matches the parser's
 * window syntax so a window reads back as typed.
 */
export function formatDuration(ms: number): string {
  if (ms >= 2 * DAY && ms % DAY === 0) return `${ms / DAY}d`;
  if (ms >= HOUR && ms % HOUR === 0) return `${ms / HOUR}h`;
  return `${Math.ceil(ms / MINUTE)}m`;
}
