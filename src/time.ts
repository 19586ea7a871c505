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
