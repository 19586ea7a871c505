import type { RESTOptions } from 'discord.js';

/**
 * Per-request timeout. @discordjs/rest aborts and retries (3 times) after it; the alert nonce makes a
 * retry of a request that did land harmless. Its default is 15 s; a hung request should not hold the
 * whole channel queue that long.
 */
export const REST_TIMEOUT_MS = 10_000;

/**
 * Longest rate-limit wait @discordjs/rest may sit out inside one call: above any per-route window (message create resets within 5 s). Longer waits (a global limit,
 * a Cloudflare ban) reject with `RateLimitError`, which the sink turns into a retryable SinkError
 * with `retryAfterMs`, so the pipeline keeps the alert in its outbox instead of blocking forever
 * (the REST queue otherwise retries 429s without a cap).
 */
export const MAX_INLINE_RATE_LIMIT_WAIT_MS = 15_000;

/** REST options shared by the bot's client and the registration script. */
export function discordRestOptions(apiUrl: string): Partial<RESTOptions> {
  return {
    api: apiUrl,
    timeout: REST_TIMEOUT_MS,
    rejectOnRateLimit: (data) => data.retryAfter > MAX_INLINE_RATE_LIMIT_WAIT_MS || data.timeToReset > MAX_INLINE_RATE_LIMIT_WAIT_MS,
  };
}
