/** Durations as people type them in settings and commands: `30m`, `24h`, `7d`, `2w`. */

/** Milliseconds per unit letter. */
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

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
