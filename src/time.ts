/** Time: an injectable clock (tests drive a fake one instead of sleeping), unit constants, and the duration syntax people type. */

/** Milliseconds in a minute, hour, day and week: one definition for the whole code base. */
const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** Time as an injectable dependency, so tests drive a fake clock instead of sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** Milliseconds per unit letter of the duration syntax (`30m`, `24h`, `7d`, `2w`). */
const UNIT_MS = { s: SECOND_MS, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, w: WEEK_MS } as const;

/** A duration unit letter. */
export type DurationUnit = keyof typeof UNIT_MS;

/**
 * Milliseconds in `text` (`24h` -> 86400000), or undefined when it is not a whole number of one of
 * `units`. A huge count gives a huge (or infinite) result for the caller's range check to refuse,
 * so "far too long" is told apart from "not a duration".
 */
export function parseDuration(text: string, units: readonly DurationUnit[] = ['s', 'm', 'h', 'd', 'w']): number | undefined {
  const match = /^(\d+)([a-z])$/.exec(text.trim().toLowerCase());
  const unit = match?.[2] as DurationUnit | undefined;
  if (!match || unit === undefined || !units.includes(unit)) return undefined;
  return Number(match[1]) * UNIT_MS[unit];
}

/**
 * A duration as the command writes it: whole days from 48 hours up (`7d`), else whole hours
 * (`24h`), else minutes (`30m`); anything finer is rounded up to the minute. Matches the parser's
 * window syntax so a window reads back as typed.
 */
export function formatDuration(ms: number): string {
  if (ms >= 2 * DAY_MS && ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms >= HOUR_MS && ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  return `${Math.ceil(ms / MINUTE_MS)}m`;
}

/**
 * How long a cascade lasted, as a reader wants it: `350 ms`, `42s`, then the command's own
 * units (`4m`, `3h`). A second-long cascade must not read as a minute.
 */
export function formatSpan(ms: number): string {
  if (ms < SECOND_MS) return `${ms} ms`;
  if (ms < MINUTE_MS) return `${Math.round(ms / SECOND_MS)}s`;
  return formatDuration(ms);
}

/** An epoch-ms instant as ISO 8601 UTC to the second (`2026-11-25T12:00:00Z`), the same everywhere. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
