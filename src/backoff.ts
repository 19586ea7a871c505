/**
 * Capped exponential backoff with jitter: the one formula behind the exchange client's retries and the
 * sinks' delivery retries, so many clients failing together do not come back together.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */

/** Capped exponential backoff settings. */
export interface BackoffOptions {
  /** First delay's ceiling, ms; default 500. */
  baseMs?: number;
  /** Largest delay, ms; default 30 000. */
  capMs?: number;
  /** Uniform [0, 1) source; injected by tests. */
  random?: () => number;
  /**
   * `full`: uniform in [0, ceiling) (the exchange client: a retry may come at once);
   * `equal`: half fixed, half random (delivery: never near zero, so a sink is not hammered); default `full`.
   */
  jitter?: 'full' | 'equal';
}

/** The ceiling `min(cap, base * 2^(attempt-1))` of retry number `attempt` (1-based), without jitter. */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 30_000;
  return Math.min(cap, base * 2 ** Math.min(Math.max(0, attempt - 1), 52));
}

/** Delay before retry number `attempt` (1-based): the ceiling with the chosen jitter. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const ceiling = backoffCeiling(attempt, options);
  const random = (options.random ?? Math.random)();
  return options.jitter === 'equal' ? Math.round(ceiling / 2 + random * (ceiling / 2)) : Math.floor(random * ceiling);
}
