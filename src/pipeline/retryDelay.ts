import { backoffDelay } from '../backoff.js';
import { isSinkError } from '../sinks/SinkError.js';

/** Backoff settings of a sink's delivery retries. */
export interface RetryPolicy {
  /** First delay; default 1000 ms. */
  baseMs: number;
  /** Longest delay, and the fixed delay after a non-retryable error; default 60000 ms. */
  capMs: number;
  /** Uniform in [0, 1); injected for tests. */
  random: () => number;
}

/** Default delivery backoff: 1 s doubling to 60 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 1_000, capMs: 60_000, random: Math.random };

/**
 * How long to wait before attempt `attempts + 1`: capped exponential backoff with equal jitter (half
 * fixed, half random, so retries of many sinks spread out but never come back at once), never shorter
 * than the platform's `Retry-After`. A non-retryable error (bad token, unknown channel) waits the cap:
 * the alert is kept, and a person fixing the config sees it go out within a minute.
 */
export function retryDelay(error: unknown, attempts: number, policy: RetryPolicy): number {
  if (isSinkError(error) && !error.retryable) return Math.max(policy.capMs, error.retryAfterMs ?? 0);
  const jittered = backoffDelay(attempts, { ...policy, jitter: 'equal' });
  const retryAfter = isSinkError(error) ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, retryAfter);
}
