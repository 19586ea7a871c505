import { formatDuration } from './formatDuration.js';

/** The bounds the usage line states; the command passes its own so text and checks cannot drift. */
export interface UsageBounds {
  maxLimit: number;
  maxSinceMs: number;
}

/** The `/forceorders` usage line, free of platform markup (adapters add their own). */
export function forceOrdersUsage(bounds: UsageBounds): string {
  return (
    `Usage: /forceorders [BTCUSD | BTCUSD_PERP | BTCUSD_261225] [liq | adl] ` +
    `[30m | 24h | 7d, up to ${formatDuration(bounds.maxSinceMs)}] [rows 1-${bounds.maxLimit}, default 20] [public]`
  );
}
