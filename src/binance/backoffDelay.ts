/** Capped exponential backoff settings. */
export interface BackoffOptions {
  /** First delay's ceiling, ms; default 500. */
  baseMs?: number;
  /** Largest delay, ms; default 30 000. */
  capMs?: number;
  /** Uniform [0, 1) source; injected by tests. */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (1-based): "full jitter", uniform in [0, min(cap, base * 2^(attempt-1))),
 * so many clients failing together do not come back together.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  return Math.floor((options.random ?? Math.random)() * backoffCeiling(attempt, options));
}

/** The ceiling `min(cap, base * 2^(attempt-1))` without jitter; used where a wait must not be near zero (a 429). */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 30_000;
  return Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
}
